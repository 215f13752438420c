"""G.711 μ-law against the standard's own table, for all 65,536 16-bit samples.

ITU-T G.711 Table 2a gives μ-law on a 14-bit amplitude scale (0..8159): eight segments ending
at 31, 95, 223, 479, 991, 2015, 4063 and 8159, each cut into 16 equal intervals (width 2, 4,
.., 256; the first interval of all is 0..1), and each interval decodes to its midpoint. A
16-bit sample x has the amplitude |x| / 4 on that scale, the same for x and -x. The table
below is built from those figures alone, not from the encoder's bias-and-shift arithmetic.
"""

import warnings

import numpy as np
import pytest

from voice_therapist.audio.g711 import ulaw_decode, ulaw_encode

SEGMENT_ENDS = [31, 95, 223, 479, 991, 2015, 4063, 8159]
WIDTHS = [2, 4, 8, 16, 32, 64, 128, 256]


def decision_values() -> list[int]:
    """The 127 amplitudes where the code steps up by one (G.711 Table 2a, column 'decision value')."""
    values, start = [], -1  # the first segment's first interval is 0..1, as if it began at -1
    for end, width in zip(SEGMENT_ENDS, WIDTHS):
        values += [start + width * k for k in range(1, 17)]
        assert values[-1] == end
        start = end
    return values[:-1]  # 8159 is the top of the range, not a step


DECISIONS = np.array(decision_values())
SAMPLES = np.arange(-32768, 32768, dtype=np.int16)
MAGNITUDE = np.abs(SAMPLES.astype(np.int64))  # 4 x the 14-bit amplitude, exact


def reference_codes() -> np.ndarray:
    """0..127: how many decision values the amplitude reaches (one exactly on a value goes up, as
    for positive samples in every implementation; G.711 leaves that tie open)."""
    return np.searchsorted(4 * DECISIONS, MAGNITUDE, side="right")


def reference_bytes() -> np.ndarray:
    """On the line the bits are inverted and bit 7 set means positive."""
    code = reference_codes()
    return np.where(SAMPLES >= 0, 0xFF - code, 0x7F - code).astype(np.uint8)


def test_the_reference_table_has_the_standards_shape():
    assert len(DECISIONS) == 127 and DECISIONS[:3].tolist() == [1, 3, 5]
    assert DECISIONS[15:18].tolist() == [31, 35, 39] and DECISIONS[-1] == 7903


def test_every_16_bit_sample_encodes_as_the_table_says():
    encoded = np.frombuffer(ulaw_encode(SAMPLES), np.uint8)
    wrong = np.nonzero(encoded != reference_bytes())[0]
    assert wrong.size == 0, f"{wrong.size} samples differ, first {SAMPLES[wrong[:5]].tolist()}"


def test_every_code_decodes_to_the_middle_of_its_interval():
    lower = np.concatenate([[-1], DECISIONS])  # each code's interval starts at the decision value below it
    upper = np.concatenate([DECISIONS, [8159]])
    middle = np.where(np.arange(128) == 0, 0, (lower + upper) / 2)  # code 0 is 0..1 and decodes to 0
    codes = np.arange(128)
    positive = ulaw_decode(bytes((0xFF - codes).tolist()))
    negative = ulaw_decode(bytes((0x7F - codes).tolist()))
    assert (positive == 4 * middle).all()
    assert (negative == -4 * middle).all()


def test_cpythons_audioop_is_the_one_that_differs_and_why():
    """audioop (CPython <= 3.12) shifts the sample right by 2 before taking its magnitude, which
    rounds a negative sample's magnitude up: -x and x then fall into different intervals."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        audioop = pytest.importorskip("audioop")
    theirs = np.frombuffer(audioop.lin2ulaw(SAMPLES.tobytes(), 2), np.uint8)
    differ = np.nonzero(theirs != reference_bytes())[0]
    assert differ.size == 381  # 3 samples below each of the 127 decision values
    assert (SAMPLES[differ] < 0).all()
    below_a_step = [(MAGNITUDE[i] < 4 * DECISIONS) & (MAGNITUDE[i] > 4 * DECISIONS - 4) for i in differ]
    assert all(hit.any() for hit in below_a_step)  # strictly below a step: the table is not ambiguous there
    assert (theirs[differ] == reference_bytes()[differ] - 1).all()  # one code too high (bits inverted)
