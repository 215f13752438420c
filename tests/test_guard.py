import pytest

from voice_therapist.dialogue.guard import check_sentence, fits_the_mood, serves_step


@pytest.mark.parametrize("sentence,reason", [
    ("It sounds like you have clinical depression.", "diagnosis"),
    ("You could try taking 50 mg of sertraline.", "medication"),
    ("I promise everything will be fine.", "promise"),
    ("assistant: hello there user", "role_text"),
    ("Visit http://example.com for help.", "role_text"),
    ("I'm sorry, but I'm unable to respond to your request.", "refusal"),
    ("I'm sorry for the misunderstanding, but let us go on.", "meta"),
    ("You're right, I did mention that in a post.", "meta"),
])
def test_unsafe_sentences_are_rejected(sentence, reason):
    verdict = check_sentence(sentence, 0)
    assert not verdict.ok and verdict.reason == reason


def test_a_fourth_sentence_is_too_many():
    assert not check_sentence("That makes sense to me.", 3).ok


def test_a_plain_caring_sentence_passes():
    assert check_sentence("That sounds exhausting, and it makes sense you feel worn out.", 0).ok


def test_a_reply_must_connect_to_the_user_or_the_step():
    user = "My manager keeps piling on work and I can't sleep."
    assert serves_step("Your manager sounds demanding.", user, "What feels hardest?").ok
    assert not serves_step("Bananas are yellow fruits.", user, "What feels hardest about that right now.").ok


def test_a_reply_past_the_word_budget_stops():
    assert check_sentence("That sounds like a heavy week for you.", 1, words_spoken=30).reason == "too_long"


def test_no_cheerfulness_at_distress():
    assert fits_the_mood("I'm glad to hear that.", "My manager keeps piling on more tasks.").reason == "tone"
    assert fits_the_mood("That's a great way to start.", "Mostly I feel tired and a bit alone with it.").reason == "tone"
    assert fits_the_mood("I'm glad to hear that.", "I went running and felt better.").ok


def test_saying_the_same_thing_twice_is_caught():
    from voice_therapist.dialogue.guard import repeats

    assert repeats("I'm glad you're here.", ["I'm glad you're here."])
    assert not repeats("What would you like to focus on?", ["I'm glad you're here."])


def test_a_short_empathic_opener_needs_no_topic_words():
    from voice_therapist.dialogue.guard import is_acknowledgement

    assert is_acknowledgement("I'm so sorry to hear that.")
    assert not is_acknowledgement("Cats are known for their independent nature.")


def test_nonsense_is_off_topic_and_a_relevant_reply_is_not(models):
    from voice_therapist.dialogue.guard import RELEVANCE_FLOOR
    from voice_therapist.nlp.embedder import relevance

    user, line = "My partner and I keep having the same fight about chores.", "What happens inside you then?"
    assert relevance(models.embedder, "Cats love to sleep in the sun all day.", [user, line]) < RELEVANCE_FLOOR
    assert relevance(models.embedder, "Fighting about chores again and again sounds draining.", [user, line]) >= RELEVANCE_FLOOR
