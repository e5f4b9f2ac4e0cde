r"""Encrypted inference with the CKKS scheme (through TenSEAL), for the polynomial networks.

CKKS (Cheon, Kim, Kim and Song 2017) encrypts a vector of real numbers,
one per *slot*, and lets anyone holding the public keys add and multiply
ciphertexts slot by slot, without the secret key. The results are
approximate: every encryption, product and rescaling adds a small error.
Each product must be followed by a rescaling, which divides by one prime of
the *coefficient modulus* and removes it from the chain; when only one prime
is left no further product is possible. The number of middle primes is
therefore the multiplicative depth the parameters allow.

This module is the book's thin layer over TenSEAL (Benaissa et al. 2021),
an optional dependency (``pip install "relu_book[encryption]"``): it is
imported only when a function here needs it, so the rest of the package,
and this module's parameter arithmetic, work without it.

* :class:`CKKSParameters`: polynomial modulus degree :math:`N`, the bit
  sizes of the coefficient modulus primes and the scale; the levels they
  allow and the 128-bit security bound they must meet.
* :func:`ckks_context`: a TenSEAL context (with secret, public and
  relinearisation keys) for those parameters.
* :func:`encrypted_inference`: encrypt the columns of a data set (the
  examples in the slots), run a polynomial network on them with
  :func:`relu_book.polynomial_networks.slot_forward`, decrypt, and compare
  with the plaintext network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relu_book import polynomial_networks as pn
from relu_book._validation import as_float_array, integer

__all__ = [
    "MAX_BITS_128",
    "require_tenseal",
    "CKKSParameters",
    "ckks_context",
    "levels_left",
    "ciphertext_bytes",
    "prime_offsets",
    "InferenceReport",
    "encrypted_inference",
]

#: Largest total bit count of the coefficient modulus for 128-bit classical
#: security, by polynomial modulus degree (HomomorphicEncryption.org standard,
#: as hard-coded in Microsoft SEAL's ``CoeffModulus::MaxBitCount``).
MAX_BITS_128 = {1024: 27, 2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881}


def require_tenseal():
    """Import and return the ``tenseal`` module, or raise ``ModuleNotFoundError`` saying how to install it.

    Examples
    --------
    >>> try:
    ...     ts = require_tenseal()
    ... except ModuleNotFoundError as err:
    ...     ts = None
    """
    try:
        import tenseal
    except ModuleNotFoundError as err:  # pragma: no cover - depends on the environment
        raise ModuleNotFoundError(
            'the encrypted inference needs TenSEAL: pip install "relu_book[encryption]" (or pip install tenseal)'
        ) from err
    return tenseal


@dataclass(frozen=True)
class CKKSParameters:
    r"""Parameters of a CKKS context, and what they allow.

    .. math::

        \text{levels} = \#\text{primes} - 2, \qquad
        \text{slots} = N / 2, \qquad
        \sum_i \text{bits}_i \le \text{MaxBitCount}_{128}(N)

    The first prime holds the result at the last level (its bits minus the
    scale's are left for the integer part of the outputs), the middle primes
    are divided out one per rescaling (so they should be as large as the
    scale), and the last is the special prime used for key switching.

    Parameters
    ----------
    poly_modulus_degree : int
        :math:`N`, a power of two from 1024 to 32768.
    coeff_mod_bit_sizes : tuple of int
        Bit sizes of the primes, at least three, each at most 60.
    scale_bits : int
        :math:`\log_2` of the scale :math:`\Delta` at which values are encoded.

    Examples
    --------
    >>> p = CKKSParameters(16384, (60, 40, 40, 40, 40, 40, 60), 40)
    >>> p.levels, p.slots, p.total_bits, p.max_bits, p.secure
    (5, 8192, 320, 438, True)
    """

    poly_modulus_degree: int
    coeff_mod_bit_sizes: tuple
    scale_bits: int

    def __post_init__(self):
        n = integer(self.poly_modulus_degree, "poly_modulus_degree")
        if n not in MAX_BITS_128:
            raise ValueError(f"poly_modulus_degree must be one of {sorted(MAX_BITS_128)}, got {n}")
        sizes = self.coeff_mod_bit_sizes
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"coeff_mod_bit_sizes must be a sequence of integers, got {type(sizes).__name__}")
        sizes = tuple(integer(b, "each entry of coeff_mod_bit_sizes") for b in sizes)
        if len(sizes) < 3 or max(sizes) > 60:
            raise ValueError(f"coeff_mod_bit_sizes must have at least 3 entries, each at most 60 bits, got {sizes}")
        scale = integer(self.scale_bits, "scale_bits")
        if scale >= sizes[0]:
            raise ValueError(f"scale_bits must be below the first prime's {sizes[0]} bits, got {scale}")
        object.__setattr__(self, "poly_modulus_degree", n)
        object.__setattr__(self, "coeff_mod_bit_sizes", sizes)
        object.__setattr__(self, "scale_bits", scale)

    @property
    def levels(self) -> int:
        """Rescalings available: the number of middle primes."""
        return len(self.coeff_mod_bit_sizes) - 2

    @property
    def slots(self) -> int:
        """Real numbers per ciphertext: :math:`N/2`."""
        return self.poly_modulus_degree // 2

    @property
    def total_bits(self) -> int:
        """Bits of the whole coefficient modulus."""
        return sum(self.coeff_mod_bit_sizes)

    @property
    def max_bits(self) -> int:
        """The 128-bit security bound on :attr:`total_bits` for this :math:`N`."""
        return MAX_BITS_128[self.poly_modulus_degree]

    @property
    def secure(self) -> bool:
        """Whether :attr:`total_bits` is within the 128-bit bound."""
        return self.total_bits <= self.max_bits

    @property
    def integer_bits(self) -> int:
        """Bits left for the integer part of a result at the last level: first prime minus scale."""
        return self.coeff_mod_bit_sizes[0] - self.scale_bits

    def describe(self) -> str:
        """A few lines that say what the parameters are and allow."""
        sizes = ", ".join(str(b) for b in self.coeff_mod_bit_sizes)
        return "\n".join([
            f"N = {self.poly_modulus_degree}: {self.slots} slots per ciphertext",
            f"primes of [{sizes}] bits: {self.total_bits} bits"
            f" (128-bit bound: {self.max_bits})",
            f"scale 2^{self.scale_bits}, levels {self.levels},"
            f" integer bits of a result {self.integer_bits}",
        ])


def ckks_context(params):
    r"""A TenSEAL CKKS context with the secret, public and relinearisation keys.

    .. math::

        \Delta = 2^{\text{scale\_bits}}

    No Galois (rotation) keys are generated: :func:`encrypted_inference`
    never rotates, because it keeps one example per slot. TenSEAL rescales
    after every product and switches moduli before additions automatically.

    Parameters
    ----------
    params : CKKSParameters

    Returns
    -------
    tenseal.Context
        A private context (it holds the secret key).

    Raises
    ------
    ModuleNotFoundError
        If TenSEAL is not installed.
    ValueError
        If SEAL rejects the parameters (for example, more bits than the
        security bound allows).

    Examples
    --------
    With TenSEAL installed (``pip install -e '.[encryption]'``; the tests in
    ``tests/test_encrypted_inference.py`` run this)::

        ctx = ckks_context(CKKSParameters(8192, (60, 40, 60), 40))
        ctx.global_scale == 2.0**40   # True
    """
    if not isinstance(params, CKKSParameters):
        raise TypeError(f"params must be CKKSParameters, got {type(params).__name__}")
    ts = require_tenseal()
    context = ts.context(
        ts.SCHEME_TYPE.CKKS,
        poly_modulus_degree=params.poly_modulus_degree,
        coeff_mod_bit_sizes=list(params.coeff_mod_bit_sizes),
    )
    context.global_scale = 2.0**params.scale_bits
    return context


def _seal_ciphertext(vector):
    (ct,) = vector.ciphertext()
    return ct


def levels_left(vector) -> int:
    r"""Rescalings a CKKS vector can still undergo: its primes minus one.

    .. math::

        \text{levels left} = \#\{\text{primes of its modulus}\} - 1

    A fresh ciphertext has the levels of :class:`CKKSParameters`; one with
    no level left cannot be multiplied again.

    Parameters
    ----------
    vector : tenseal.CKKSVector

    Returns
    -------
    int
    """
    return _seal_ciphertext(vector).coeff_modulus_size() - 1


def ciphertext_bytes(vector) -> int:
    r"""Size of a CKKS vector's ciphertext in memory, uncompressed.

    .. math::

        \text{bytes} = 2 \times N \times \#\{\text{primes left}\} \times 8

    Two polynomials of :math:`N` coefficients, each stored as one 64-bit word
    per remaining prime. (Serialised, SEAL compresses it somewhat.)

    Parameters
    ----------
    vector : tenseal.CKKSVector

    Returns
    -------
    int
    """
    ct = _seal_ciphertext(vector)
    return ct.size() * ct.poly_modulus_degree() * ct.coeff_modulus_size() * 8


def prime_offsets(context, params) -> np.ndarray:
    r"""Relative distance of each middle prime from the scale: :math:`q_i / \Delta - 1`.

    .. math::

        \varepsilon_i = \frac{q_i}{2^{\text{scale\_bits}}} - 1

    Rescaling divides by :math:`q_i` while TenSEAL keeps the nominal scale
    :math:`\Delta`, so every level multiplies the encrypted values by about
    :math:`1 - \varepsilon_i`: a systematic relative error of
    :math:`|\varepsilon_i|` per level, on top of the random noise.

    Parameters
    ----------
    context : tenseal.Context
    params : CKKSParameters
        The parameters the context was made with.

    Returns
    -------
    numpy.ndarray
        One float per middle prime, in the order they are divided out (last first).
    """
    require_tenseal()
    import tenseal.sealapi  # noqa: F401  (registers SEAL's Modulus type with pybind11)

    data = context.seal_context().data.key_context_data()
    primes = [m.value() for m in data.parms().coeff_modulus()]
    middle = primes[1:-1][::-1]
    return np.array([q / 2.0**params.scale_bits - 1.0 for q in middle])


@dataclass
class InferenceReport:
    """What :func:`encrypted_inference` measured.

    Attributes
    ----------
    plaintext, decrypted : numpy.ndarray, shape (n_examples, n_outputs)
        The network's outputs computed in the clear, and computed under
        encryption then decrypted.
    max_abs_difference : float
        ``max |decrypted - plaintext|``.
    classes_agree : int
        Examples whose predicted class (argmax) is the same in both.
    n_examples : int
    depth : int
        Multiplicative depth of the circuit (:func:`relu_book.polynomial_networks.network_depth`).
    levels_fresh, levels_left : int
        Levels of a fresh input ciphertext and of an output ciphertext.
    input_bytes, output_bytes : int
        :func:`ciphertext_bytes` of one input and one output ciphertext.
    outputs : list
        The encrypted outputs (tenseal.CKKSVector), one per network output.
    """

    plaintext: np.ndarray
    decrypted: np.ndarray
    max_abs_difference: float
    classes_agree: int
    n_examples: int
    depth: int
    levels_fresh: int
    levels_left: int
    input_bytes: int
    output_bytes: int
    outputs: list


def encrypted_inference(context, model, X):
    r"""Run a polynomial network on encrypted inputs and compare with the plaintext network.

    .. math::

        \hat Y = \operatorname{Dec}\Bigl(f\bigl(\operatorname{Enc}(X_{:,1}), \dots,
        \operatorname{Enc}(X_{:,n})\bigr)\Bigr) \approx f(X)

    Column :math:`j` of ``X`` (feature :math:`j` of every example) is
    encrypted into one CKKS vector, so each slot holds one example. The
    network :math:`f` is evaluated on the ciphertexts by
    :func:`relu_book.polynomial_networks.slot_forward`, with plaintext
    weights: additions, products of ciphertexts (the activations) and
    products by plain numbers only. The decrypted outputs are compared with
    ``model.forward(X)``.

    Parameters
    ----------
    context : tenseal.Context
        A private CKKS context (:func:`ckks_context`).
    model : relu_book.nn.MLP
        With polynomial activations.
    X : array_like, shape (n_examples, n_in)
        At most as many examples as the context has slots.

    Returns
    -------
    InferenceReport
    """
    X = as_float_array(X, "X").astype(np.float64)
    if X.ndim != 2 or X.shape[1] != model.layer_sizes[0]:
        raise ValueError(f"X must have shape (n_examples, {model.layer_sizes[0]}), got {X.shape}")
    ts = require_tenseal()
    slots = context.seal_context().data.first_context_data().parms().poly_modulus_degree() // 2
    if X.shape[0] > slots:
        raise ValueError(f"X has {X.shape[0]} examples but a ciphertext holds {slots}")
    columns = [ts.ckks_vector(context, X[:, j].tolist()) for j in range(X.shape[1])]
    outputs = pn.slot_forward(model, columns)
    decrypted = np.column_stack([np.array(o.decrypt()) for o in outputs])
    plaintext = model.forward(X)
    agree = int(np.sum(np.argmax(decrypted, axis=1) == np.argmax(plaintext, axis=1)))
    return InferenceReport(
        plaintext=plaintext,
        decrypted=decrypted,
        max_abs_difference=float(np.max(np.abs(decrypted - plaintext))),
        classes_agree=agree,
        n_examples=X.shape[0],
        depth=pn.network_depth(model),
        levels_fresh=levels_left(columns[0]),
        levels_left=min(levels_left(o) for o in outputs),
        input_bytes=ciphertext_bytes(columns[0]),
        output_bytes=ciphertext_bytes(outputs[0]),
        outputs=outputs,
    )
