"""Tests of relu_book.encryption that need no TenSEAL: the parameter arithmetic.

The encrypted runs themselves are tested in test_encrypted_inference.py.
"""

from __future__ import annotations

import pytest

from relu_book import encryption as enc


def test_chapter_parameters_allow_five_levels_within_the_128_bit_bound():
    p = enc.CKKSParameters(16384, (60, 40, 40, 40, 40, 40, 60), 40)
    assert (p.levels, p.slots, p.total_bits, p.integer_bits) == (5, 8192, 320, 20)
    assert p.secure and p.max_bits == 438
    text = p.describe()
    assert "N = 16384" in text and "320 bits" in text and "levels 5" in text


def test_the_same_chain_is_too_long_for_n_8192():
    p = enc.CKKSParameters(8192, (60, 40, 40, 40, 40, 40, 60), 40)
    assert not p.secure and p.max_bits == 218


def test_security_bound_doubles_roughly_with_the_degree():
    degrees = sorted(enc.MAX_BITS_128)
    bounds = [enc.MAX_BITS_128[n] for n in degrees]
    assert all(2 * b <= c <= 2 * b + 5 for b, c in zip(bounds, bounds[1:]))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"poly_modulus_degree": 1000}, ValueError, "poly_modulus_degree"),
        ({"coeff_mod_bit_sizes": (60, 40)}, ValueError, "at least 3"),
        ({"coeff_mod_bit_sizes": (61, 40, 60)}, ValueError, "at most 60"),
        ({"coeff_mod_bit_sizes": "60,40,60"}, TypeError, "sequence"),
        ({"scale_bits": 60}, ValueError, "scale_bits"),
        ({"scale_bits": 40.5}, TypeError, "scale_bits"),
    ],
)
def test_parameters_refuse_bad_values(kwargs, error, match):
    args = {"poly_modulus_degree": 8192, "coeff_mod_bit_sizes": (60, 40, 60), "scale_bits": 40, **kwargs}
    with pytest.raises(error, match=match):
        enc.CKKSParameters(**args)


def test_ckks_context_refuses_anything_but_parameters():
    with pytest.raises(TypeError, match="CKKSParameters"):
        enc.ckks_context({"poly_modulus_degree": 8192})
