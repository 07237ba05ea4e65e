"""The unrolled expressions of one RNN spec, built once and shared.

    a_k = W_hh h_{k-1} + W_xh x_k + b_h,   h_k = φ(a_k)   (h_0 the spec's h0)
    D_k = diag(φ'(a_k)),   J_k = ∂h_k/∂h_{k-1} = D_k W_hh

in terms of the parameters, h_0 and the inputs.  ``unroll(rnn)`` gives the one ``Unrolled``
of a spec: cached by value (an RNN is an immutable, hashable value), so equal specs share it and
every expression that uses h_k holds the very same objects; a product's expression is then a
DAG of size O(T n^3).  The RNN itself holds nothing: nothing is ever written into it.

>>> from derive.rnn import RNN
>>> unroll(RNN(1, activation="identity", W_hh=[[2]], W_xh=[[0]], b_h=[1], h0=[1])).hidden_state(3)
Matrix([[15]])
>>> unroll(RNN(2)) is unroll(RNN(2))
True
"""

from functools import lru_cache

import sympy as sp

from derive.rnn import state_symbols


class Unrolled:
    """a_k, h_k (built once each, in order, without recursion) and the step Jacobians J_k of
    ``rnn``; obtain it from ``unroll(rnn)`` so that it is shared.  Indices are not validated
    here: the public functions of ``derive.jacobians`` do that."""

    __slots__ = ("rnn", "_a", "_h", "_jacobians")

    def __init__(self, rnn):
        self.rnn = rnn
        self._a = [None]  # a_0 does not exist; a_k at index k
        self._h = [rnn.h0]
        self._jacobians = {}

    def pre_activation(self, k):
        """a_k = W_hh h_{k-1} + W_xh x_k + b_h, (n, 1)."""
        rnn = self.rnn
        while len(self._a) <= k:
            j = len(self._a)
            self._a.append(rnn.W_hh * self.hidden_state(j - 1) + rnn.W_xh * rnn.input_at(j)
                           + rnn.b_h)
        return self._a[k]

    def hidden_state(self, k):
        """h_k = φ(a_k), (n, 1); h_0 for k = 0."""
        while len(self._h) <= k:
            self._h.append(self.pre_activation(len(self._h)).applyfunc(self.rnn.activation.at))
        return self._h[k]

    def derivative(self, k, local=False):
        """D_k = diag(φ'(a_k)), (n, n); a_k unrolled, or local in the symbols h_{k-1,i}."""
        rnn, act = self.rnn, self.rnn.activation
        if not act.dphi.has(act.variable):  # constant φ' (identity): no need to build a_k
            return act.dphi * sp.eye(rnn.hidden)
        if local:
            a = rnn.W_hh * state_symbols(k - 1, rnn.hidden) + rnn.W_xh * rnn.input_at(k) + rnn.b_h
        else:
            a = self.pre_activation(k)
        return sp.diag(*[act.derivative_at(a_i) for a_i in a])

    def step_jacobian(self, k, local=False):
        """J_k = D_k W_hh, (n, n), built once per (k, local)."""
        key = (k, local)
        if key not in self._jacobians:
            self._jacobians[key] = sp.ImmutableMatrix(self.derivative(k, local) * self.rnn.W_hh)
        return self._jacobians[key]


@lru_cache(maxsize=64)
def unroll(rnn):
    """The shared ``Unrolled`` of ``rnn`` (equal specs give the same object)."""
    return Unrolled(rnn)
