"""The cell case format of ``rnngrad check --help``: a file with a "cell" key takes PyTorch's
parameter names and shapes (``numeric.cell_case_keys`` is what the parser accepts; a test
holds this table to it)."""

CELL_CASE_HELP = """\
cell case file: with a "cell" key the case is an Elman, LSTM, GRU or IndRNN cell with
PyTorch's parameter names, shapes and gate order (paste a module's weights; from Python,
numeric.case_from_torch(module, x) does it), for example an LSTM with n = 2, m = 1, T = 3:

  {"cell": "lstm",
   "weight_ih": [[0.5], [-0.4], [0.3], [0.8], [0.1], [0.2], [-0.6], [0.4]],
   "weight_hh": [[0.2, -0.1], [0.4, 0.3], [0.5, -0.2], [0.1, 0.6],
                 [-0.3, 0.2], [0.7, 0.1], [0.2, 0.2], [-0.5, 0.3]],
   "bias_hh": [0, 0, 1, 1, 0, 0, 0, 0],
   "h0": [0.1, -0.2], "c0": [0.5, 0.0],
   "x": [[0.2], [0.7], [-0.4]],
   "y": [0.1, 0.3]}

    elman   h' = phi(W_ih x + b_ih + W_hh h + b_hh)                      (nn.RNNCell)
    lstm    i, f, o = sigmoid(.), g = tanh(.), each of W_i. x + b_i. + W_h. h + b_h.;
            c' = f * c + i * g, h' = o * tanh(c'); state s = [h; c]     (nn.LSTMCell)
    gru     r, z = sigmoid(.), n = tanh(W_in x + b_in + r * (W_hn h + b_hn));
            h' = (1 - z) * n + z * h                                     (nn.GRUCell)
    indrnn  h' = phi(W_ih x + b + u * h), u a vector, * elementwise   (Li et al. 2018)

  Stacked parameters hold B row blocks of n rows in PyTorch's gate order: B = 1 (elman),
  4 (lstm: i, f, g, o), 3 (gru: r, z, n).

    key           shape     cells              required  meaning
    cell          string    all                yes       elman, lstm, gru or indrnn
    weight_ih     B n x m   all                yes       input weights (indrnn: n x m)
    weight_hh     B n x n   elman, lstm, gru   yes       recurrent weights; n = its columns
    bias_ih       B n       elman, lstm, gru   no        input bias (default zeros)
    bias_hh       B n       elman, lstm, gru   no        recurrent bias (default zeros)
    bias          n         indrnn             no        bias (default zeros)
    u             n         indrnn             yes       recurrent weight of each unit
    nonlinearity  string    elman              no        "tanh" (default) or "relu"
    activation    string    elman, indrnn      no        a registered name or a formula,
                                                         as above (default tanh)
    alpha         number    elman, indrnn      no        with activation, as above
    h0            n         all                no        initial hidden state (default 0)
    c0            n         lstm               no        initial cell state (default 0)
    x             T x m     all                yes       inputs, one row per step
    y             n         all                no        target: L = 1/2 ||h_T - y||^2

  A key of another cell, or of the format without "cell", is refused with its owner named.
  output with "cell" (--json): cell, state (["h"], or ["h", "c"] for lstm), T, n, m,
  activation (null for lstm and gru), h (and c) for t = 0..T, step_jacobians
  ds_t/ds_(t-1) and jacobian_product ds_T/ds_0 (S x S in state order, S = 2n for lstm),
  log10_norm_product; with y: loss, grads (per parameter, PyTorch's names and shapes),
  grad_h0, grad_c0 (lstm), grad_W_hh (elman: grads.weight_hh); checks and passed."""
