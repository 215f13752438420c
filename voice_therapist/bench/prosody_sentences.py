"""Everyday sentences for measuring the vocal stress cue: each is spoken calm and tense.

Shared by scripts/bench_prosody.py and tests/test_prosody.py so both measure the same thing.
"""

PAIRED = [
    "I have been feeling a little tired this week, but work is going fine.",
    "Can you remind me what we talked about last time?",
    "My sister called me yesterday and we argued about money again.",
    "I need to finish the report before my manager gets back on Monday.",
    "The bus was late this morning so I missed the start of the meeting.",
    "I keep thinking about what my friend said at dinner.",
    "We are moving to a new flat at the end of the month.",
    "I tried to go for a walk every day, but it rained most of the time.",
    "My son has his exams next week and he is not sleeping well.",
    "I forgot to call the doctor back about the test results.",
    "The neighbours were playing music until two in the morning.",
    "I told my partner that I need more time for myself.",
]
NEUTRAL = [  # the session's first utterances, at the voice's usual settings: the baseline
    "Today I had breakfast and then I read the news for a while.",
    "The weather has been mild, and the garden looks quite nice.",
    "I usually take the train to work and listen to a podcast.",
    "On Sunday we visited my parents and had lunch together.",
]
