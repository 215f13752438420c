"""The int8 exemplar index finds what the float search finds."""

import numpy as np

from voice_therapist.nlp.exemplar_index import ExemplarIndex


def unit_rows(rng, n, dim=384):
    rows = rng.normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_each_groups_nearest_row_and_similarity_are_the_float_searchs(tmp_path):
    rng = np.random.default_rng(7)
    # Clustered rows, so that many near-ties sit within the int8 error of each other.
    centres = unit_rows(rng, 20)
    matrix = centres[rng.integers(0, 20, 3000)] + rng.normal(0, 0.05, (3000, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    groups = {"risk": np.arange(0, 3000, 3), "none": np.setdiff1d(np.arange(3000), np.arange(0, 3000, 3))}
    index = ExemplarIndex(matrix, groups, tmp_path)
    queries = centres[rng.integers(0, 20, 200)] + rng.normal(0, 0.08, (200, 384)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    for query in queries:
        similarities = matrix @ query
        found = index.nearest(query)
        for name, rows in groups.items():
            row, similarity = found[name]
            assert row == rows[np.argmax(similarities[rows])]
            assert abs(similarity - similarities[rows].max()) < 1e-5
    assert index.margin < 0.05  # the approximate scores are close enough to prune almost everything


def test_the_int8_graph_is_kept_on_disk_and_reused(tmp_path):
    matrix = unit_rows(np.random.default_rng(1), 50)
    ExemplarIndex(matrix, {"all": np.arange(50)}, tmp_path)
    saved = list(tmp_path.glob("exemplars-*.onnx"))
    assert len(saved) == 1
    stamp = saved[0].stat().st_mtime_ns
    again = ExemplarIndex(matrix, {"all": np.arange(50)}, tmp_path)
    assert saved[0].stat().st_mtime_ns == stamp
    assert again.nearest(matrix[7])["all"][0] == 7


def test_an_empty_group_is_left_out():
    matrix = unit_rows(np.random.default_rng(2), 10)
    assert set(ExemplarIndex(matrix, {"risk": np.arange(10), "none": np.array([], dtype=np.int64)}).nearest(matrix[3])) == {"risk"}
