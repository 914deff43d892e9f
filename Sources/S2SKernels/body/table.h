// This level's table (S2S_TABLE, S2S_LEVEL and S2S_LEVEL_NAME come from the including kernels_*.c).
#ifndef S2S_BF16_DOT_GEMM
#define S2S_BF16_DOT_GEMM bf16_dot_gemm_portable
#endif
#ifndef S2S_INT8_GEMM
#define S2S_INT8_GEMM int8_gemm_portable
#endif
__attribute__((visibility("hidden"))) const s2s_kernel_table S2S_TABLE = {
    .level = S2S_LEVEL,
    .fused = S2S_FUSED,
    .name = S2S_LEVEL_NAME,
    .exp = vexp,
    .sigmoid = vsigmoid,
    .tanh = vtanh,
    .exp_sum_lanes = exp_sum_lanes,
    .softmax_gradient_add = softmax_gradient_add,
    .softmax_gradient_in_place = softmax_gradient_in_place,
    .lstm_forward = lstm_forward,
    .lstm_backward = lstm_backward,
    .gru_forward = gru_forward,
    .gru_backward = gru_backward,
    .rnn_forward = rnn_forward,
    .rnn_backward = rnn_backward,
    .adam = adam,
    .sgd = sgd,
    .sgd_momentum = sgd_momentum,
    .sum_of_squares = sum_of_squares,
    .dot_gemm = dot_gemm,
    .dot_gemm_bf16 = dot_gemm_bf16,
    S2S_GEMM_ENTRIES
    .int8_gemm = S2S_INT8_GEMM,
    .bf16_dot_gemm = S2S_BF16_DOT_GEMM,
};
