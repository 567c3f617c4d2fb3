/*
 * A stand-in for libcuda, libnvrtc and libcublas, for tests on machines without a GPU: "device" memory is host
 * memory, kernels are not run (launches are counted), SGEMM is computed for real (column-major, host pointers).
 * It exercises every downcall's types, the status-to-exception path and the backend's host orchestration; it says
 * nothing about the kernels. Compiled by FakeDriverTest with the system C compiler.
 */
#include <stdlib.h>
#include <string.h>
#include <stddef.h>

static long long live_bytes = 0;
static long long launches = 0;
static long long pinned_live = 0;
static const long long TOTAL = 1LL << 34;

/* ---- driver ---- */
int cuGetErrorName(int error, const char **p) {
    *p = error == 2 ? "CUDA_ERROR_OUT_OF_MEMORY" : error == 1 ? "CUDA_ERROR_INVALID_VALUE" : "CUDA_ERROR_UNKNOWN";
    return 0;
}
int cuGetErrorString(int error, const char **p) { *p = error == 2 ? "out of memory" : "unknown error"; return 0; }
int cuInit(unsigned int flags) { return flags == 0 ? 0 : 1; }
int cuDriverGetVersion(int *v) { *v = 13000; return 0; }
int cuDeviceGetCount(int *c) { *c = 1; return 0; }
int cuDeviceGet(int *d, int ordinal) { if (ordinal != 0) return 101; *d = 0; return 0; }
int cuDeviceGetName(char *name, int len, int dev) { strncpy(name, "Fake GPU", (size_t) len); return dev == 0 ? 0 : 101; }
int cuDeviceGetAttribute(int *pi, int attrib, int dev) { *pi = attrib == 75 ? 9 : attrib == 76 ? 0 : 1; return dev == 0 ? 0 : 101; }
int cuDeviceTotalMem_v2(size_t *bytes, int dev) { *bytes = (size_t) TOTAL; return dev == 0 ? 0 : 101; }
int cuDevicePrimaryCtxRetain(void **ctx, int dev) { *ctx = (void *) 0x1000; return dev == 0 ? 0 : 101; }
int cuDevicePrimaryCtxRelease_v2(int dev) { return dev == 0 ? 0 : 101; }
int cuCtxSetCurrent(void *ctx) { return ctx == (void *) 0x1000 ? 0 : 201; }
int cuStreamCreate(void **s, unsigned int flags) { *s = (void *) 0x2000; return flags <= 1 ? 0 : 1; }
int cuStreamDestroy_v2(void *s) { return s == (void *) 0x2000 ? 0 : 400; }
int cuStreamSynchronize(void *s) { return s == (void *) 0x2000 ? 0 : 400; }
/* Events: one handle; records and waits counted by stream, ours (0x2000) or the caller's (any other, NULL too). */
static long long events_live = 0;
static long long event_ops[4]; /* records on ours, records on the caller's, waits on ours, waits on the caller's */
static unsigned long long caller_stream_seen = 0;
int cuEventCreate(void **e, unsigned int flags) { *e = (void *) 0x6000; events_live++; return flags == 2 ? 0 : 1; }
int cuEventDestroy_v2(void *e) { if (e != (void *) 0x6000) return 400; events_live--; return 0; }
int cuEventRecord(void *e, void *s) {
    if (e != (void *) 0x6000) return 400;
    if (s == (void *) 0x2000) event_ops[0]++; else { event_ops[1]++; caller_stream_seen = (unsigned long long) s; }
    return 0;
}
int cuStreamWaitEvent(void *s, void *e, unsigned int flags) {
    if (e != (void *) 0x6000 || flags != 0) return 400;
    if (s == (void *) 0x2000) event_ops[2]++; else { event_ops[3]++; caller_stream_seen = (unsigned long long) s; }
    return 0;
}
/* 0..3: event_ops; 4: live events; 5: the caller's stream last used. */
long long fake_cuda_events(int which) {
    return which < 4 ? event_ops[which] : which == 4 ? events_live : (long long) caller_stream_seen;
}
/* Copies whose device side falls in a watched range (the caller's X and gradient), and all copies' bytes. */
static unsigned long long watch_lo = 0, watch_hi = 0;
static long long watched_copies = 0;
void fake_cuda_watch(unsigned long long lo, unsigned long long hi) { watch_lo = lo; watch_hi = hi; watched_copies = 0; }
long long fake_cuda_watched_copies(void) { return watched_copies; }
static void watch(unsigned long long device, size_t n) {
    if (device < watch_hi && device + n > watch_lo) watched_copies++;
}
int cuMemGetInfo_v2(size_t *free_bytes, size_t *total) { *free_bytes = (size_t) (TOTAL - live_bytes); *total = (size_t) TOTAL; return 0; }
int cuMemAlloc_v2(unsigned long long *p, size_t bytes) {
    const char *limit = getenv("FAKE_CUDA_MAX_ALLOC");
    if (limit != NULL && (long long) bytes > atoll(limit)) return 2;
    /* a size header in front, so that cuMemFree_v2 knows how much was live */
    size_t *block = calloc(1, bytes + 16);
    if (block == NULL) return 2;
    block[0] = bytes;
    live_bytes += (long long) bytes;
    *p = (unsigned long long) (block + 2);
    return 0;
}
int cuMemFree_v2(unsigned long long p) {
    size_t *block = ((size_t *) p) - 2;
    live_bytes -= (long long) block[0];
    free(block);
    return 0;
}
int cuMemHostAlloc(void **p, size_t bytes, unsigned int flags) {
    if (flags != 0) return 1;
    *p = calloc(1, bytes);
    if (*p == NULL) return 2;
    pinned_live++;
    return 0;
}
int cuMemFreeHost(void *p) { if (!p) return 1; free(p); pinned_live--; return 0; }
long long fake_cuda_pinned_live(void) { return pinned_live; }
int cuMemcpyHtoDAsync_v2(unsigned long long dst, const void *src, size_t n, void *s) { watch(dst, n); memcpy((void *) dst, src, n); return s ? 0 : 400; }
int cuMemcpyDtoHAsync_v2(void *dst, unsigned long long src, size_t n, void *s) { watch(src, n); memcpy(dst, (void *) src, n); return s ? 0 : 400; }
int cuMemsetD8Async(unsigned long long dst, unsigned char v, size_t n, void *s) { memset((void *) dst, v, n); return s ? 0 : 400; }
int cuModuleLoadData(void **m, const void *image) { *m = (void *) 0x3000; return image ? 0 : 1; }
int cuModuleUnload(void *m) { return m == (void *) 0x3000 ? 0 : 400; }
/* Every kernel of every source is looked up when a module is loaded (the engine's EngineKernels.launched()). */
int cuModuleGetFunction(void **f, void *m, const char *name) { *f = (void *) 0x4000; return m && name && name[0] ? 0 : 500; }
int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *s, void **params, void **extra) {
    if (f != (void *) 0x4000 || gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || !s || !params
        || extra) return 1;
    (void) shared;
    launches++;
    return 0;
}
long long fake_cuda_launches(void) { return launches; }

/* ---- NVRTC ---- */
const char *nvrtcGetErrorString(int r) { return r == 0 ? "NVRTC_SUCCESS" : "NVRTC_ERROR_COMPILATION"; }
int nvrtcVersion(int *major, int *minor) { *major = 13; *minor = 0; return 0; }
int nvrtcCreateProgram(void **prog, const char *src, const char *name, int n, const char *const *h, const char *const *i) {
    if (!src || !name || n < 0 || (n > 0 && (!h || !i))) return 4;
    for (int k = 0; k < n; k++) if (!h[k] || !i[k]) return 4;
    *prog = malloc(1);
    return 0;
}
int nvrtcDestroyProgram(void **prog) { free(*prog); *prog = NULL; return 0; }
int nvrtcCompileProgram(void *prog, int n, const char *const *options) { return prog && n >= 1 && options[0] ? 0 : 4; }
int nvrtcGetProgramLogSize(void *prog, size_t *size) { (void) prog; *size = 1; return 0; }
int nvrtcGetProgramLog(void *prog, char *log) { (void) prog; log[0] = 0; return 0; }
int nvrtcGetCUBINSize(void *prog, size_t *size) { (void) prog; *size = 16; return 0; }
int nvrtcGetCUBIN(void *prog, char *cubin) { (void) prog; memset(cubin, 0, 16); memcpy(cubin, "\177ELF", 4); return 0; }

/* ---- cuBLAS ---- */
const char *cublasGetStatusName(int s) { return s == 0 ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_INVALID_VALUE"; }
static long long cublas_created = 0;
int cublasCreate_v2(void **h) { *h = (void *) 0x5000; cublas_created++; return 0; }
long long fake_cuda_cublas_created(void) { return cublas_created; }
int cublasDestroy_v2(void *h) { return h == (void *) 0x5000 ? 0 : 1; }
int cublasGetVersion_v2(void *h, int *v) { *v = 130000; return h ? 0 : 1; }
int cublasSetStream_v2(void *h, void *s) { return h && s ? 0 : 7; }
int cublasSetMathMode(void *h, int mode) { return h && mode == 0 ? 0 : 7; }
int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *a, int lda,
                   const float *b, int ldb, const float *beta, float *c, int ldc) {
    if (!h || m < 0 || n < 0 || k < 0) return 7;
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            float acc = 0.0f;
            for (int l = 0; l < k; l++) {
                float av = ta == 0 ? a[i + (long) l * lda] : a[l + (long) i * lda];
                float bv = tb == 0 ? b[l + (long) j * ldb] : b[j + (long) l * ldb];
                acc += av * bv;
            }
            float *out = &c[i + (long) j * ldc];
            *out = *beta == 0.0f ? *alpha * acc : *alpha * acc + *beta * *out;
        }
    }
    return 0;
}
