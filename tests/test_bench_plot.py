"""The benchmark's plot: what a reader of bench.png needs to read it."""

from voice_therapist.bench.plot import TARGETS_MS, latency_figure, latency_plot

GROUPS = [("single", [480.0, 520.0, 610.0, 900.0]), ("naive", [1100.0, 1250.0]), ("N=2", [700.0, 2300.0]),
          ("N=4", [])]


def test_the_plot_has_labelled_axes_a_legend_and_one_column_per_group():
    axes = latency_figure(GROUPS, "latency").axes[0]
    assert axes.get_title() == "latency"
    assert "ms" in axes.get_ylabel() and axes.get_xlabel()
    ticks = [label.get_text() for label in axes.get_xticklabels()]
    assert ticks == ["single\n4 turns", "naive\n2 turns", "N=2\n2 turns", "N=4\n0 turns"]
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert all(any(label == entry for entry in legend) for _, _, label in TARGETS_MS)
    assert "one turn" in legend
    assert axes.get_ylim()[1] > 2300  # the slowest turn is on the chart


def test_the_plot_is_written_as_a_png(tmp_path):
    latency_plot(GROUPS, tmp_path / "bench.png", "latency")
    data = (tmp_path / "bench.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
