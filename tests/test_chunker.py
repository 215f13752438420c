from voice_therapist.text.chunker import SentenceChunker


def feed(chunker, text, step=3):
    out = []
    for i in range(0, len(text), step):
        out += chunker.push(text[i:i + step])
    return out + chunker.flush()


def test_first_clause_is_released_early_then_whole_sentences():
    pieces = feed(SentenceChunker(first_clause_min_words=3), "That sounds really hard, and I am glad you said it. What happened next? ")
    assert pieces == ["That sounds really hard,", "and I am glad you said it.", "What happened next?"]


def test_short_first_clause_waits_for_more_words():
    pieces = feed(SentenceChunker(first_clause_min_words=3), "Okay, let us breathe together. ")
    assert pieces[0] == "Okay, let us breathe together."


def test_abbreviation_does_not_end_a_sentence():
    pieces = feed(SentenceChunker(), "You could ask Dr. Smith about it. Fine. ")
    assert pieces[0] == "You could ask Dr. Smith about it."


def test_runaway_sentence_is_cut_at_max_words():
    text = " ".join(["word"] * 30) + " "
    pieces = feed(SentenceChunker(max_words=10), text)
    assert all(len(p.split()) <= 10 for p in pieces) and len(pieces) == 3


def test_text_is_never_lost():
    text = "one, two three four, five. six seven? eight"
    assert " ".join(feed(SentenceChunker(first_clause_min_words=1), text)).split() == text.split()


def test_first_piece_may_end_before_a_conjunction():
    pieces = feed(SentenceChunker(first_clause_min_words=3), "You feel tired at work and you do not sleep. Then what? ")
    assert pieces[:2] == ["You feel tired at work", "and you do not sleep."]
