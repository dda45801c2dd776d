// Random weights of the shape an HParams describes, made in memory for nt_model_create_random: every
// tensor NemotronH binds, named and shaped as the Hugging Face checkpoint stores it (biases per the
// config's flags, lm_head unless tied), with the value ranges of shared/tools/make_shape.py so that
// activations stay finite through deep stacks. Loading and binding stay with WeightStore / NemotronH.
#pragma once
#include <cstdint>
#include <memory>

#include "model/hparams.h"
#include "weights/weight_store.h"

namespace nemotron {

// Matrices (embeddings, projections, lm_head) bfloat16; norms, A_log, D, dt_bias, conv1d and biases
// float32. Each element is a function of (seed, tensor name, element index) only, so the bytes are the
// same for any number of OpenMP threads (filled in parallel, first touched by the threads that fill
// them). Throws std::bad_alloc when the memory is not there.
std::unique_ptr<WeightStore> make_random_weights(const HParams& hp, uint64_t seed);

}  // namespace nemotron
