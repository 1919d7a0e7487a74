/*
 * MKL (inside libtorch) picks its AVX2 code path on CPUs whose vendor is not Intel, even when they
 * have AVX-512. MKL asks this function whether the CPU is Intel's; answering yes lets it use the
 * AVX-512 kernels (measured on the AMD EPYC build machine: SGEMM ~100 → ~250 GFLOP/s per core).
 * The launcher preloads this on AMD CPUs only; BOTTLENECK_CPU_TUNING=0 turns it off.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
