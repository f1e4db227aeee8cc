// Lets kernels.cu compile as plain C++ so its kernels can run on the host, in the test KernelHostEmulationTest:
// either one thread per block (gated_launch), or a block's threads as real OS threads with __syncthreads as a
// barrier (gated_launch_threads), blocks one after another. Needs C++20 (std::barrier) and -pthread.
#pragma once
#include <barrier>
#include <cmath>
#include <cstring>
#include <math.h>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static

struct gated_dim3 {
    unsigned int x, y, z;
};
// Each emulated thread knows its own block and thread index; the geometry is shared.
static gated_dim3 blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static thread_local gated_dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static std::barrier<>* gated_block_barrier = nullptr;

inline void __syncthreads() {
    if (gated_block_barrier != nullptr) {
        gated_block_barrier->arrive_and_wait();
    }
}

inline double __longlong_as_double(long long v) {
    double d;
    std::memcpy(&d, &v, sizeof d);
    return d;
}

using std::isfinite;
using std::signbit;

// Runs kernel body `call` as `blocks` blocks of one thread each.
template <typename F>
void gated_launch(unsigned int blocks, F call) {
    gridDim.x = blocks;
    blockDim.x = 1;
    threadIdx.x = 0;
    for (unsigned int b = 0; b < blocks; b++) {
        blockIdx.x = b;
        call();
    }
}

// Runs kernel body `call` as `blocks` blocks of `threads` OS threads each; __syncthreads waits for the block. The
// same `threads` workers run every block in turn (a barrier between blocks, as their __shared__ arrays are reused).
template <typename F>
void gated_launch_threads(unsigned int blocks, unsigned int threads, F call) {
    gridDim.x = blocks;
    blockDim.x = threads;
    std::barrier<> barrier(threads);
    gated_block_barrier = &barrier;
    std::vector<std::thread> pool;
    for (unsigned int t = 0; t < threads; t++) {
        pool.emplace_back([&call, &barrier, blocks, t] {
            threadIdx.x = t;
            for (unsigned int b = 0; b < blocks; b++) {
                blockIdx.x = b;
                call();
                barrier.arrive_and_wait();
            }
        });
    }
    for (std::thread& th : pool) {
        th.join();
    }
    gated_block_barrier = nullptr;
    threadIdx.x = 0;
    blockIdx.x = 0;
}
