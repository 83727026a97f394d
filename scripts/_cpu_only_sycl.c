/* Replacement for libggml-sycl.so from bigdl-core-cpp (Ollama 0.9.3, ipex-llm build), used by
 * scripts/real_ollama.sh. The shipped library needs an Intel GPU and its oneAPI stack; this one
 * exports the same entry points but reports zero SYCL devices and returns no backend, so ggml
 * falls back to its CPU backend. Nothing here is ever asked to do real work. */
#include <stddef.h>

void *ggml_backend_init(void) { return NULL; }
void *ggml_backend_sycl_reg(void) { return NULL; }
void *ggml_backend_sycl_init(int device) { (void)device; return NULL; }
int ggml_backend_is_sycl(void *backend) { (void)backend; return 0; }
int ggml_backend_sycl_get_device_count(void) { return 0; }
void ggml_backend_sycl_print_sycl_devices(void) {}
void *ggml_backend_sycl_buffer_type(int device) { (void)device; return NULL; }
void *ggml_backend_sycl_host_buffer_type(void) { return NULL; }
void *ggml_backend_sycl_split_buffer_type(const float *split) { (void)split; return NULL; }

void ggml_backend_sycl_get_gpu_list(int *ids, int n) {
    for (int i = 0; i < n; i++) ids[i] = -1;
}

static void empty_text(char *out, size_t n) {
    if (n > 0) out[0] = '\0';
}

void ggml_backend_sycl_get_device_description(int device, char *out, size_t n) {
    (void)device;
    empty_text(out, n);
}

void ggml_backend_sycl_get_device_name(int device, char *out, size_t n) {
    (void)device;
    empty_text(out, n);
}

void ggml_backend_sycl_get_device_memory(int device, size_t *free_bytes, size_t *total_bytes) {
    (void)device;
    *free_bytes = 0;
    *total_bytes = 0;
}
