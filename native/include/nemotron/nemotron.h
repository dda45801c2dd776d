/* nemotron4j native API: the one header JavaCPP maps (java/runtime .../nativeapi/NemotronNative.java).
 * C-style on purpose: fixed-width fields, opaque handles, every function returns an nt_status code and
 * fills an nt_error; nothing throws across this line. Java validates config and safetensors headers
 * first; the engine re-checks everything that could corrupt memory (offsets, sizes, shapes, dtypes). */
#ifndef NEMOTRON_NEMOTRON_H
#define NEMOTRON_NEMOTRON_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes; Java maps each to a typed exception (nativeapi/NativeErrors.java). */
enum nt_status {
  NT_OK = 0,
  NT_INVALID_ARGUMENT = 1, /* a caller bug or bad request: wrong token id, bad handle use      */
  NT_BAD_CHECKPOINT = 2,   /* a file or tensor that does not match what the config promises  */
  NT_IO_ERROR = 3,         /* open / stat / mmap failed                                       */
  NT_OUT_OF_MEMORY = 4,    /* an allocation failed; nothing was changed                       */
  NT_UNSUPPORTED = 5,      /* a valid model feature this build does not implement (MoE)       */
  NT_INTERNAL = 6,         /* a bug: the message says where                                   */
  NT_CACHE_FULL = 7        /* no free state slot or KV block right now; nothing was changed:
                              wait for other sequences to finish, or give the cache more memory */
};

enum nt_dtype { NT_F32 = 0, NT_F16 = 1, NT_BF16 = 2 };

/* Where a model runs. NT_BACKEND_CUDA loads the CUDA backend (libnemotron_cuda.so) at nt_model_load;
 * when it cannot (no library, no driver, no such device) the load fails with NT_UNSUPPORTED and a
 * message saying why, and the caller may load again on the CPU. */
enum nt_backend { NT_BACKEND_CPU = 0, NT_BACKEND_CUDA = 1 };

/* What the CUDA backend's prefill GEMMs read their bfloat16 weights against: activations rounded to
 * bfloat16 (fast, vLLM's choice; ~2^-9 relative error per input), or split into two bfloat16 halves
 * (float32-accurate, twice the GEMM work). Decode steps of one or two tokens read float32 either way. */
enum nt_activation_precision { NT_ACTIVATIONS_BF16 = 0, NT_ACTIVATIONS_F32 = 1 };

enum nt_layer_kind { NT_LAYER_MAMBA = 'M', NT_LAYER_ATTENTION = '*', NT_LAYER_MLP = '-', NT_LAYER_MOE = 'E' };

#define NT_MAX_LAYERS 512
#define NT_MAX_NAME 256
#define NT_MAX_MESSAGE 1024

typedef struct nt_error {
  int32_t code;
  char message[NT_MAX_MESSAGE];
} nt_error;

/* Hyper-parameters, as parsed by Java from config.json (Hugging Face keys in the comments). */
typedef struct nt_config {
  int32_t vocab_size;          /* vocab_size */
  int32_t hidden_size;         /* hidden_size */
  int32_t n_layers;            /* num_hidden_layers */
  char layer_kinds[NT_MAX_LAYERS + 1]; /* hybrid_override_pattern / layers_block_type, one char per layer */
  int32_t n_heads;             /* num_attention_heads */
  int32_t n_kv_heads;          /* num_key_value_heads */
  int32_t attn_head_dim;       /* head_dim (or hidden_size / num_attention_heads) */
  int32_t intermediate_size;   /* intermediate_size */
  int32_t mamba_n_heads;       /* mamba_num_heads */
  int32_t mamba_head_dim;      /* mamba_head_dim */
  int32_t n_groups;            /* n_groups */
  int32_t d_state;             /* ssm_state_size */
  int32_t conv_kernel;         /* conv_kernel */
  int32_t chunk_size;          /* chunk_size */
  int32_t use_conv_bias;       /* use_conv_bias */
  int32_t mamba_proj_bias;     /* use_bias / mamba_proj_bias: in_proj and out_proj biases */
  int32_t attention_bias;      /* attention_bias */
  int32_t mlp_bias;            /* mlp_bias */
  int32_t tie_word_embeddings; /* tie_word_embeddings: lm_head reuses backbone.embeddings.weight */
  float norm_eps;              /* layer_norm_epsilon */
  float dt_min;                /* time_step_limit[0] */
  float dt_max;                /* time_step_limit[1] (may be +inf) */
} nt_config;

/* One tensor of the checkpoint, located by Java from the safetensors headers. */
typedef struct nt_tensor_desc {
  char name[NT_MAX_NAME];
  int32_t file_index;          /* index into the files array given to nt_model_load */
  int32_t dtype;               /* nt_dtype */
  int32_t n_dims;
  int64_t shape[4];
  int64_t offset;              /* absolute byte offset of the data in the file */
  int64_t n_bytes;
} nt_tensor_desc;

typedef struct nt_model_options {
  int32_t n_threads;           /* 0: all cores */
  int32_t ssm_state_dtype;     /* NT_F32 (default) or NT_BF16 */
  /* The cache pools, allocated once at load (pages are committed on first use): state_slots Mamba
   * state slots (conv + SSM state of every Mamba layer: one per live sequence or snapshot) and, with
   * the rest of cache_bytes, KV blocks of kv_block_tokens tokens (K and V of every attention layer). */
  int64_t cache_bytes;         /* 0: 1 GiB */
  int32_t state_slots;         /* 0: as many as half of cache_bytes holds, at most 256 */
  int32_t kv_block_tokens;     /* 0: 16 */
  int32_t backend;             /* nt_backend; 0: the CPU */
  int32_t device_index;        /* NT_BACKEND_CUDA: which device (cuda:N) */
  /* NT_BACKEND_CUDA: the backend library's path; NULL: $NEMOTRON_CUDA_LIBRARY, then
   * libnemotron_cuda.so beside the library holding this API, then the dynamic loader's search path. */
  const char* cuda_library;
  int32_t activation_precision; /* NT_BACKEND_CUDA: nt_activation_precision; 0: bfloat16 */
  /* NT_BACKEND_CUDA, optional: int64_t[2] the load keeps current while it uploads the weights:
   * [0] bytes uploaded so far, [1] of how many (0 until known). Another thread may poll it (a progress bar). */
  int64_t* upload_progress;
} nt_model_options;

typedef struct nt_model nt_model;
typedef struct nt_sequence nt_sequence;

/* What the loaded model holds, for `info` and for sizing buffers. */
typedef struct nt_model_stats {
  int64_t weight_bytes_mapped; /* bytes used in place from the mapped files */
  int64_t weight_bytes_owned;  /* small tensors converted to float32 at load; every tensor of a random model */
  int64_t state_bytes_per_sequence; /* conv + SSM state of every Mamba layer */
  int64_t kv_bytes_per_token;  /* K and V of every attention layer, float32 */
  int32_t n_threads;
  /* The cache pools (see nt_model_options); *_free change as sequences come and go. */
  int32_t state_slots;
  int32_t state_slots_free;
  int32_t kv_block_tokens;
  int64_t kv_blocks;
  int64_t kv_blocks_free;
  int64_t kv_bytes_per_block;
  int32_t backend;             /* nt_backend the model runs on */
  int32_t device_index;
  int64_t device_weight_bytes; /* weights held in device memory (0 on the CPU) */
} nt_model_stats;

/* "cpu", or the device's name and index, e.g. "NVIDIA H100 80GB HBM3 (cuda:0, sm_90)". Owned by the model. */
const char* nt_model_device_name(const nt_model* model);

int32_t nt_model_load(const nt_config* config, const char* const* file_paths, int32_t n_files,
                      const nt_tensor_desc* tensors, int32_t n_tensors, const nt_model_options* options,
                      nt_model** out_model, nt_error* error);
int32_t nt_model_stats_get(const nt_model* model, nt_model_stats* out_stats, nt_error* error);
void nt_model_free(nt_model* model);

/* A model with random weights of the shape `config` describes, generated in memory from `seed`
 * (bfloat16 matrices; norms, A_log, D, dt_bias and conv kernels drawn from ranges a trained model has),
 * for benchmarks of shapes whose checkpoint is not at hand. Same engine, same speed as a real one. */
int32_t nt_model_create_random(const nt_config* config, uint64_t seed, const nt_model_options* options,
                               nt_model** out_model, nt_error* error);

/* The machine's limits, measured now on n_threads threads (0: all): read bandwidth of a reduction over
 * a buffer larger than the caches, copy bandwidth (bytes read + written), the float32 FMA peak of a
 * register-blocked loop, and the GEMM peak: this build's prefill GEMM on a bf16 4096 x 4096 weight and
 * 512 tokens. Takes about a second. */
typedef struct nt_limits {
  double read_gb_s;
  double copy_gb_s;
  double fma_gflop_s;
  double gemm_gflop_s;
} nt_limits;
int32_t nt_measure_limits(int32_t n_threads, nt_limits* out_limits, nt_error* error);

int32_t nt_sequence_create(nt_model* model, nt_sequence** out_sequence, nt_error* error);
/* A new sequence with a copy of `source`'s state (a fork: the two continue independently). */
int32_t nt_sequence_fork(const nt_sequence* source, nt_sequence** out_sequence, nt_error* error);
/* nt_sequence_create and nt_sequence_fork take a state slot (NT_CACHE_FULL when none is free). A fork
 * shares the source's KV blocks (copy on write), so forking is cheap in KV memory. */
/* Tokens processed so far. */
int64_t nt_sequence_length(const nt_sequence* sequence);
/* Appends n_tokens to the sequence and runs the forward pass over them (chunked SSD scan when
 * n_tokens > 1, the one-step recurrence when n_tokens == 1). Logits (float32) written to `logits`:
 * logits_rows == 0: none; 1: the last token's [vocab]; n_tokens: every token's [n_tokens, vocab].
 * logits_capacity is the buffer's length in floats. Errors found before any compute (a token id out
 * of range, a short buffer, no memory for the KV rows) leave the sequence unchanged; a failure during
 * the pass itself (out of memory for scratch) leaves it unusable: later feeds return NT_INVALID_ARGUMENT. */
int32_t nt_sequence_feed(nt_sequence* sequence, const int32_t* tokens, int32_t n_tokens,
                         float* logits, int32_t logits_rows, int64_t logits_capacity, nt_error* error);
/* nt_sequence_feed that also records the residual stream, for finding the first layer that diverges
 * from a reference: hidden [n_layers + 1, n_tokens, hidden_size] = the embedding output, then the
 * residual after each block, except that the last entry is after norm_f (the layout of the goldens'
 * hidden_states). hidden_capacity is the buffer's length in floats. */
int32_t nt_sequence_feed_traced(nt_sequence* sequence, const int32_t* tokens, int32_t n_tokens, float* logits,
                                int32_t logits_rows, int64_t logits_capacity, float* hidden,
                                int64_t hidden_capacity, nt_error* error);
void nt_sequence_free(nt_sequence* sequence);


/* Sampling parameters of one draw (vLLM's semantics; see native/src/ops/sampling.h). The penalties read
 * the sequence's own token history: prompt = tokens [0, output_start), output = [output_start, length). */
typedef struct nt_sampling {
  float temperature;           /* 0 = greedy */
  int32_t top_k;               /* 0 = off */
  float top_p;                 /* 1 = off */
  float min_p;                 /* 0 = off */
  float repetition_penalty;    /* 1 = off */
  float presence_penalty;      /* 0 = off */
  float frequency_penalty;     /* 0 = off */
  uint64_t seed;
  uint64_t step;               /* which draw of the reply: the random number is a function of (seed, step) */
  int64_t output_start;
  int32_t n_logprobs;          /* -1 none, 0 the chosen token's, N <= 20 also the top N */
  const int32_t* bias_ids;     /* logit_bias */
  const float* bias_values;
  int32_t n_bias;
  const int32_t* suppressed_ids; /* never drawn now (stop ids under min_tokens, eos when ignoring it) */
  int32_t n_suppressed;
} nt_sampling;

#define NT_MAX_LOGPROBS 20

typedef struct nt_sample_result {
  int32_t token;
  float logprob;
  int32_t n_top;
  int32_t top_ids[NT_MAX_LOGPROBS];
  float top_logprobs[NT_MAX_LOGPROBS];
} nt_sample_result;

/* Draws the next token from the logits after the sequence's last fed token (kept in native memory by
 * every feed), without feeding it. */
int32_t nt_sequence_sample(nt_sequence* sequence, const nt_sampling* params, nt_sample_result* result,
                           nt_error* error);

/* One sequence's part of a batched step. */
typedef struct nt_batch_entry {
  nt_sequence* sequence;
  const int32_t* tokens;
  int32_t n_tokens;
  int32_t want_logits;         /* 1: keep the last token's logits in the sequence for sampling */
} nt_batch_entry;

/* One forward pass over several sequences (each at most once): the dense layers run once over all
 * their tokens, so every weight is read once per step. Each sequence's result is bit-identical to
 * feeding it alone with nt_sequence_feed: a 1-token entry takes the decode path (state recurrence, the
 * per-row dot kernel), a longer one the prefill path (chunked scan, GEMM), whatever else is in the batch.
 * KV blocks for all entries are reserved first: NT_CACHE_FULL (or any error found before compute)
 * changes no sequence. */
int32_t nt_model_feed_batch(nt_model* model, const nt_batch_entry* entries, int32_t n_entries, nt_error* error);

/* nt_sequence_sample for several sequences at once (in parallel): params[i] and results[i] belong to
 * sequences[i]. */
int32_t nt_model_sample_batch(nt_model* model, nt_sequence* const* sequences, const nt_sampling* params,
                              int32_t n, nt_sample_result* results, nt_error* error);

/* Library version string, e.g. "0.1.0 cpu avx2". */
const char* nt_version(void);

#ifdef __cplusplus
}
#endif
#endif
