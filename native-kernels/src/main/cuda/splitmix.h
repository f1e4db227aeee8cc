// SplitMix64's finaliser and the counter-based uniform draw of dev.gated.engine.backend.CounterRng, bit for bit.
// Java's long arithmetic wraps modulo 2^64 and >>> is a logical shift: unsigned 64-bit arithmetic here is the same.
// Shared by the kernels and by the host-side test program (CounterRngBitIdentityTest), hence __host__ __device__.
#pragma once

#if defined(__CUDACC__)
#define GATED_HD __host__ __device__ __forceinline__
#else
#define GATED_HD inline
#endif

typedef unsigned long long gated_u64;

GATED_HD gated_u64 gated_mix(gated_u64 z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Uniform in [0, 1) with 24 random bits: (bits >>> 40) * 2^-24 as float (exact: the integer is < 2^24).
GATED_HD float gated_uniform(gated_u64 seed, gated_u64 counter) {
    gated_u64 bits = gated_mix(seed ^ gated_mix(counter + 0x9E3779B97F4A7C15ULL));
    return (float)(bits >> 40) * 5.9604644775390625e-8f;
}

// Dropout keeps element `counter` iff its draw is >= p; Java compares the float draw promoted to double.
GATED_HD bool gated_keep(gated_u64 seed, gated_u64 counter, double p) {
    return (double)gated_uniform(seed, counter) >= p;
}
