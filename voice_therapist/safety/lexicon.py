"""The first, inspectable layer of crisis detection: patterns written by the project.

Patterns tolerate common speech-recognition splits ("kill my self", "suicide all").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from .denials import blank_denials, denies, joked_after, told_as_past
from .harmless_frames import ABOUT_SOMEONE_ELSE, harmless_frames
from .levels import AT_RISK
from .pattern_set import PatternSet

SELF = r"(?:my ?self|me)"
# "He'll kill me" is a threat from someone else: the abuse path, not the user's own risk. Only
# ever placed before "... me", never before "... myself" ("I'm going to kill myself"), and behind a
# look-ahead for the verb so the look-behinds run only where it starts.
NOT_THREATENED = "".join(f"(?<!{who} )" for who in (
    "he'll", "she'll", "they'll", "he'd", "she'd", "they'd", "he will", "she will", "they will", "he would",
    "she would", "they would", "gonna", "going to"))
PEOPLE = (r"(?:husband|wife|partner|boss|dad|father|mum|mom|mother|brother|sister|son|daughter|neighbou?r|ex|"
          r"boyfriend|girlfriend|flatmate|roommate|housemate|colleague|co-?worker|manager|landlord|teacher|stepdad|"
          r"step-?mum|stepmom|uncle|aunt|cousin|friend|mate|baby|kids?|child|children|family)s?")
MEDS = (r"(?:pills|tablets|meds|medication|medicine|painkillers|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|"
        r"codeine|tramadol|oxy\w*|lithium|insulin|sertraline|citalopram|amitriptyline|quetiapine|diazepam|xanax|"
        r"antidepressants|sleeping (?:pills|tablets))")
# Swallowing a whole supply: a quantity that is not a dose, and a medicine, in either order.
_ALL_OF_IT = (r"(?:all of (?:it|them)|(?:the|my) (?:whole|hole|entire) (?:bottle|packet|box|pack|lot|strip|blister pack)|"
              r"every (?:single )?(?:one|pill|tablet)|in one go|at once|too many)")
_HEIGHT = r"(?:how (?:tall|high)|highest|really high|high up|top (?:floor|level|storey))"
_STRUCTURE = (r"(?:cliffs?|car ?park|multi[- ]?storey|tower ?block|block of flats|bridges?|buildings?|roofs?|towers?|"
              r"viaduct|overpass|quarry)")
# What makes a question about heights a method question: being alone there, or a loss behind it.
_ALONE_OR_LOSS = (r"(?:nobody goes|no one goes|no one (?:would|will) see|quiet at night|when it's quiet|at night|alone|"
                  r"since (?:[\w']+ ){0,4}(?:died|passed|left|lost)|lost (?:my|custody|the house|everything))")

# The "now" of a resolution ("it's behind me now", "I'm fine now") is not the "now" of acting.
_NOT_SETTLED = "".join(f"(?<!{word} )" for word in (
    "behind me", "fine", "okay", "ok", "better", "well", "safe", "over", "good", "past", "sober", "clean", "stable",
    "happy", "different"))

PATTERNS: dict[str, list[str]] = {
    "imminent": [
        r"\b(?:i'?m|i am|standing|sitting) on (?:the|a) (?:ledge|edge|bridge|roof|tracks|railing)\b"
        r"(?!.*\b(?:stuck in traffic|in traffic|traffic jam|on the bus|in the car|running late|minutes late)\b)",
        r"\b(?:kill|end|off) (?:my ?self|my life|it)\b(?! with\b).*\b(?:right now|tonight|" + _NOT_SETTLED + r"now)\b",
        r"\b(?:about to|going to|gonna) (?:take|swallow) (?:them|the pills|it all|all of them)\b",
        r"\b(?:i'?m|i am) (?:taking|swallowing|necking|downing) (?:them|the (?:pills|tablets|lot)|it) all (?:tonight|now|today|"
        r"right now)\b|\b(?:i'?m|i am) (?:taking|swallowing|necking|downing) (?:all of them|the lot|every (?:one|pill|tablet)) "
        r"(?:tonight|now|today|right now)\b",
        r"\b(?:pills|tablets|knife|rope|gun) (?:is |are )?(?:in (?:my|front of me)|right here|counted out)\b.*\b(?:now|about to|going to)\b",
        r"\b(?:at|on) the (?:station|platform|tracks|bridge|roof|ledge)\b.*\b(?:going to|gonna|about to) (?:step|jump)\b",
        rf"\b(?:going to|gonna|about to|ready to) (?:(?:kill|shoot|hang|drown|gas) {SELF}|end (?:it|my life)|jump|take "
        r"(?:them|the pills|all))\b"
        r"(?! with\b).*\b(?:now|tonight|right now)\b",
        r"\b(?:i(?:'ve| have) (?:already )?(?:taken|swallowed)) (?:all|a lot of|too many|the whole)\b",
        r"\b(?:standing|sitting) on (?:the|a) (?:edge|ledge|bridge|roof)\b",
        r"\bthis is (?:goodbye|my last)\b",
        r"\b(?:doing it|do it|going to do it|gonna do it) (?:right )?(?:after|once) (?:this|we|i) (?:call|talk|hang up|finish)\w*"
        r"|\bthe last time (?:we'll|we will|you'll|i'll) (?:talk|speak|hear)\b",
        r"\beverything(?:'s| is) (?:set up|ready|in place|sorted)\b.*\b(?:shed|garage|loft|attic|woods|out there)\b",
        r"\b(?:rang|called|phoned|ringing|calling) (?:just |only )?to hear (?:a|your|someone's|a human) voice\b.*\bbefore i\b",
        rf"\b(?:took|swallowed|downed|necked|taken)\b.*\b{MEDS}\b.*\b{_ALL_OF_IT}",
        rf"\b(?:took|swallowed|downed|necked|taken) {_ALL_OF_IT}\b.*\b{MEDS}\b",
        r"\b(?:last|final) (?:message|text|note|letter|call|voicemail)\b.*\bthen (?:that's it|i'm (?:done|gone)|it's over)\b",
        r"^(?=.*\b(?:i'?m|i am|mi|me)\b)(?=.*\b(?:by|at|on) (?:the|di|de) (?:river|bridge|edge|cliffs?|tracks|platform|roof|"
        r"sea)\b.*\b(?:a go|gonna|going to|about to|finna|fixing to) jump\b(?! in\b| the waves\b))",
        r"\bi(?:'ve| have)? (?:just |already )?(?:taken|took|had|done) (?:an|a) over ?(?:dose|does)\b",
        r"\bi'?m (?:doing|going to do|gonna do) it (?:tonight|today|now|later)\b.*\b(?:(?:wanted|want) (?:someone|somebody|you) "
        r"to know|when (?:she|he|they|everyone)(?:'s|'re| is| are) (?:asleep|out|gone|at work))\b",
        r"\bwon't need (?:them|this|you|anything|any of it)(?: any ?more)? after tonight\b",
        rf"^(?=.*\b(?:took|taken|swallowed|had) all (?:of )?(?:my |the |his |her |[\w']+'s )?(?:[\w']+ )?{MEDS})"
        r"(?=.*\bfeel (?:weird|funny|strange|dizzy|drowsy)\b)",
        # A whole supply already used, and no turning back ("used all of me insulin pens, the lot").
        rf"^(?=.*\b(?:used|injected|done|taken|took|swallowed|necked|downed|had) (?:the lot|all (?:of )?(?:my|me|the)) "
        rf"(?:[\w']+ )?(?:pens|{MEDS})\b)(?=.*\b(?:no going back|the lot|in one go|all at once|at once|wash(?:ed|ing)? "
        r"(?:it|them|'em|em) down|it'?s done)\b)(?!.*\b(?:ran out|run out|need (?:more|a new|a repeat)|prescription|repeat|"
        r"refill|for (?:today|the day|the week)|this morning|as usual|like always|with (?:food|breakfast|dinner))\b)",
        r"\b(?:took|taken|swallowed|necked|downed|had) (?:the lot|all of (?:it|them)|the (?:whole|entire) (?:packet|box|"
        r"bottle|lot|strip))\b.*\bwash(?:ed|ing)? (?:it|them|'em|em) down\b",
        # Already acting: a whole supply taken, and the time since or what it is doing.
        r"^(?=.*\b(?:took|taken|swallowed|downed|necked|injected|shot up|snorted|drank|drunk|used|had)\b(?: [\w']+){0,3}? "
        r"(?:all|everything|the (?:whole|entire|lot|rest)|every|a handful|half (?:a|the) (?:box|bottle|packet)|enough)\b)"
        r"(?=.*\b(?:minutes? ago|an hour ago|starting to feel|feel(?:ing)? (?:really |a bit )?(?:sleepy|weird|funny|drowsy|far "
        r"away|strange|dizzy|it)|kicking in|it'?s working|let it happen|it'?s done|don'?t (?:call|send|bother)|not calling|"
        r"waiting for my heart|not (?:gonna|going to) fight|too late|lie down|not get up|washed (?:it|them) down|on top of)\b)"
        r"(?!.*\b(?:as prescribed|with (?:food|breakfast|dinner)|for (?:the|my) (?:headache|cold|flu|pain|period)|hay ?fever)\b)",
        r"\bcut (?:really |too |so |very )?deep\b.*\b(?:won'?t stop|not stopping|(?:don'?t|do not) (?:really )?(?:think i )?want "
        r"(?:it|to stop it|to stop)|lot of blood|bleeding)\b|\b(?:bleeding|blood)\b.*\b(?:won'?t stop|not stopping)\b.*\b(?:don'?t "
        r"(?:really )?(?:think i )?want (?:it|to)|did it|cut)\b|\bcut (?:my|both) wrists\b.*\b(?:minutes? ago|not stopping|"
        r"bleeding)\b",
        r"^(?=.*\b(?:garage|lock-?up)\b)(?=.*\b(?:engine|car|motor)(?:'s| is)? (?:running|on)\b|.*\b(?:with|got) the (?:engine|car) "
        r"(?:running|on)\b)(?!.*\b(?:warm\w*|defrost\w*|fix\w*|mechanic|tun(?:e|ing)|de-?ic\w*|charg\w*)\b)",
        r"^(?=.*\b(?:(?:gun|pistol|rifle|shotgun|revolver)(?:'s| is)? (?:loaded|in my (?:lap|hand|mouth)|on my lap|on the table in "
        r"front of me|next to me|right here|out of the cabinet|ready)|it'?s in the chamber|(?:loaded|holding) (?:the|my|dad'?s|his|"
        r"her|a|my \w+'s) (?:[\w']+ )?(?:gun|pistol|rifle|shotgun))\b)(?=.*\b(?:now|tonight|done|goodbyes?|this is (?:it|the "
        r"end)|use it|do it|i'?m sorry|nobody|no one|waiting|going to|gonna|last)\b)(?!.*\b(?:range|club|hunting|shoot(?:ing)? "
        r"(?:clays|rabbits|pigeons|deer|targets)|season|clean(?:ing)? it)\b)",
        r"^(?=.*\b(?:(?:rope|belt|cable|noose|cord)(?:'s| is)? (?:already )?(?:up|ready|tied off|(?:round|around) my neck)|"
        r"(?:belt|rope|cord|cable|noose) (?:round|around) my neck|tied (?:it|the rope|the belt|the cable|the cord) (?:to|off (?:to|"
        r"on)) the (?:bannister|banister|beam|rafters?|door|hook|loft hatch|scaffold\w*))\b)(?!.*\b(?:climb\w*|boat|sail\w*|"
        r"tent|washing|swing|harness|gym|belay\w*|tow\w*|dog|horse|washing line|tree ?house)\b)",
        r"^(?=.*\b(?:i'?m|i am|standing|stood|sat|sitting|parked|climbed)\b(?: [\w']+){0,5} (?:at|on|over|to) (?:the )?(?:very )?"
        r"(?:edge|ledge|railings?|fence|barrier|top deck|top floor|tracks|platform|harbour wall|sea wall|cliffs?|quarry|balcony|"
        r"bridge|roof|crane|railway bridge)\b)(?=.*\b(?:going to|gonna|about to|i'?m going|going now|let go|jump|go over|"
        r"not coming (?:back|down)|made (?:my|up my) mind|this is it|not (?:frightened|scared) (?:any ?more)?|train'?s due|next "
        r"train|freight|due in|let the handbrake off)\b)(?!.*\b(?:exposure|tour|view|photos?|selfie|fix\w*|repair\w*|paint\w*|"
        r"clean\w*|inspect\w*|survey\w*|sunset|going to (?:be late|miss|get|have|meet|call)|bus|waiting for (?:my|the) (?:train|"
        r"bus|mate|friend|lift))\b)",
        r"\b(?:walking|walk|going|wading|swimming|drive|driving|going straight) (?:out )?in ?to the (?:sea|river|reservoir|lake|"
        r"water|waves|loch)\b.*\b(?:not coming (?:back|out)|now|right now|tonight|won'?t come back|nothing'?s stopping me|in a "
        r"minute)\b",
        r"\b(?:step(?:ping)?|walk(?:ing)?|jump(?:ing)?) (?:out )?(?:in front of|into|onto|out onto) (?:the |a |an |next )?"
        r"(?:[\w']+ )?(?:train|lorry|truck|artic|bus|traffic|highway|motorway|dual carriageway)\b.*\b(?:now|next|tonight|"
        r"minutes?|this is it|nobody)\b|\b(?:on|parked on|out on|walked out on) the (?:tracks|railway line|level crossing)\b"
        r"(?!.*\b(?:work\w*|crew|engineer\w*|maintenance|shift|signal\w*)\b)",
        r"^(?=.*\bi'?m (?:driving|heading|on my way)\b)(?=.*\b(?:(?:into|off) (?:the |a )?(?:pillar|wall|tree|river|cliff|"
        r"overpass|bridge|barrier|water|sea|end|edge)|(?:gonna|going to) (?:put it|floor it|drive)|going (?:straight )?in)\b)",
        r"^(?=.*\bi'?m (?:doing|going to do|gonna do) it (?:now|tonight|today|right now|as soon as|after this|in (?:the next|a few|"
        r"an hour|about)|within|the minute|once|when)\b)(?=.*\b(?:goodbyes?|sorry|letters?|note|on record|tell (?:my|the) \w+ (?:i love|that i love|i'?m sorry|sorry|goodbye|it'?s not)|"
        r"love (?:them|her|him|you)|don'?t try|talk me out|rope|pills|gun|knife|blade|vial|syringe|ready|laid out|sorted|set up|"
        r"made (?:up )?my mind|decided|nobody|no one|not calling|done|everything)\b)",
        r"^(?=.*\b(?:tonight'?s the night|this is it|it'?s happening|i'?m going now|i'?ve (?:already )?started|i'?m not going to "
        r"be here in the morning)\b)(?=.*\b(?:goodbyes?|sorry|letters?|notes?|on record|tell (?:my|the) \w+ (?:i love|that i love|i'?m sorry|sorry|goodbye|it'?s not)|love (?:them|her|"
        r"him)|don'?t try|talk me out|rope|pills|gun|shotgun|knife|blade|everything(?:'s| is)? (?:ready|set|laid out|sorted|"
        r"beside me)|laid out|made (?:up )?my mind|decided|not coming back|nobody|no one|can'?t undo|taking them|everything i "
        r"need)\b)",
        r"\b(?:won'?t|will not|not going to|not gonna) be (?:alive|here|around) (?:in the morning|tomorrow|by (?:morning|tomorrow))\b"
        r"(?!.*\b(?:i'?m (?:at|in|away|off|going|staying|working)|at my|at (?:the|a) \w+|away|holiday|trip|work|office|"
        r"visiting|staying|leave|off|flight|back (?:on|next|in))\b)",
        r"\bby the time (?:they|you|anyone|someone|somebody|the ambulance|the police) (?:get|gets) here\b.*\b(?:done|over|gone|too "
        r"late)\b",
        r"\b(?:drinking|drank|drunk|swallowed|swallowing|taken|took) (?:the |some )?(?:bleach|antifreeze|weedkiller|poison|"
        r"pesticide|paraquat)\b",
        r"\b(?:pills|tablets)(?: are| 're)? (?:already )?in my mouth\b|\b(?:taking|swallowing) (?:them|the pills|the tablets) now\b",
        r"^(?=.*\b(?:already|just) (?:took|taken|swallowed|necked|downed|injected) (?:them|it|the (?:pills|tablets|lot))\b)"
        r"(?=.*\b(?:minutes? ago|starting to feel|feel(?:ing)? (?:really |a bit )?(?:sleepy|weird|funny|drowsy|far away|strange|"
        r"dizzy)|don'?t call|let it happen|kicking in)\b)",
        r"^(?=.*\b(?:in the (?:bath|bathtub)|with the (?:blade|knife|razor|rope|gun|pills))\b)(?=.*\b(?:going to|gonna|about "
        r"to) do it\b)",
        # The barrel already in place, said by the person holding it.
        r"\b(?:(?:shot)?gun|rifle|pistol|revolver|barrel)(?:'s| is)? (?:right )?(?:under my chin|in my mouth)\b|"
        r"\bi(?:'ve| have|'m| am) (?:got |holding |put )?(?:the |a |my |dad'?s )?(?:shot)?(?:gun|rifle|pistol|barrel) "
        r"(?:to|against) my (?:head|temple|chin)\b",
        rf"\b(?:taken|took|swallowed|necked|downed) (?:every|all the|all of the) (?:single )?(?:{MEDS}|pills?|tablets?|"
        r"capsules?)(?: (?:in|from) (?:the|my) (?:house|home|flat|cupboards?|cabinet|drawer|bathroom|kitchen)| i (?:had|have|"
        r"could find|'ve got|was saving|'d saved))\b",
    ],
    "plan": [
        # Spoken English drops the subject: "Took an overdose on Saturday", "overdosed last spring".
        r"(?:^|[.,;!?] *)(?:(?:so|and|well|yeah|yes|um+|uh+|like|i mean|honestly)\W+)*(?:(?:nearly |almost )?(?:took|taken|"
        r"had|did|tried)(?: [\w']+){0,2}? (?:an |a |another )?overdose\b|(?:nearly |almost )?overdosed\b)",
        r"\b(?:i|i'?ve|i'?d|i'?ll|i'?m|i am|i was|i have|i had|me|myself)\b(?:(?! (?:we|they|he|she|you|patients?|someone|"
        r"somebody|people|everyone|nobody)\b) [\w']+){0,5}? (?:an |a |another )?overdos\w*|\bmy (?:own )?overdose\b|"
        r"\boverdos\w* (?:on|with) (?:my|me|all|the lot|the whole|every)\b|\boverdos\w* (?:would|will|is|seems|might|could) "
        r"(?:be )?(?:the )?(?:easiest|easier|best|quickest|painless|simplest|way|option)\b",
        r"\b(?:whole|entire|full) (?:bottle|box|packet|pack) of\b.*\b(?:enough|too many|die|kill|survive)\b",
        r"\bif i took (?:all|the whole|my whole|every)\b",
        r"\b(?:bridge|building|tower|cliff|car park|roof)s?\b.*\b(?:survive|the fall|high enough|metres|meters|feet|storeys|stories)\b",
        r"\b(?:gun|rifle|shotgun|knife|blade|razor)\b.*\b(?:on|at) my ?self\b",
        r"\b(?:keep|take|rehome|look after|have) (?:her|him|them|(?:the|my) (?:cats?|dogs?|pets?|kids?|children|boys|girls|"
        r"babies|baby)) (?:permanently|for good|forever)\b",
        r"\b(?:burn|burned|burnt|cut|scratch)\w* my ?self\b(?! off\b).*\b(?:again|tonight|later|right now)\b",
        r"\b(?:going to|gonna|planning to|plan to|will) do it (?:when|after|on|this|next|tonight|tomorrow)\b",
        r"\bplanning (?:to|on) (?:jump|hang|drive (?:into|off)|overdose|end (?:it|my life)|kill)\w*",
        r"\bafter i'?m gone\b",
        r"\b(?:set up|tied|bought|got) (?:a|the) (?:rope|noose)\b",
        r"\b(?:saving|saved|stockpil\w+|hoard\w*|count(?:ed|ing)?(?: out)?) (?:up )?(?:my |the |all |[\w']+'s )?"
        r"(?:pills|tablets|meds|medication|painkillers|tramadol|codeine|paracetamol|insulin|antidepressants)\b",
        r"\bstep (?:out )?in front of (?:it|a|the) (?:train|bus|truck|express)?\b",
        r"\b(?:i have|i've got|got) (?:a|the) (?:rope|gun|pills saved)\b(?!.*\b(?:his|her|their|[\w']+'s) (?:address|house|"
        r"flat|door)\b|.*\bwon't see\b)",
        # Not a plan for the diet, the debt or the illness.
        r"^(?!.*\b(?:diet|budget|debt|revision|exams?|weekend|holiday|wedding|meals?|exercise|gym|doctor|nurse|therapist|pay|"
        r"sav(?:e|ing)|metformin|insulin|treatment|recovery|business|move|moving|specialist|consultant|diagnos\w*|manageable|"
        r"dietitian|cheers|thanks|thank you|walked in|coping card|small step|calmer|feel better)\b).*\b(?:i have|i've got|got) "
        r"(?:a|the) plan\b(?! (?:for|to|with|b|about|of action|in place)\b)",
        r"\b(?:how many|how much) (?:of )?(?:my |these |the )?(?:sleeping )?(?:pills|tablets|paracetamol)\b.*\b(?:too many|enough|kill|die|lethal)\b",
        r"\bwhat (?:bridges?|buildings?|heights?)\b.*\b(?:higher|high|tall)\b",
        rf"^(?=.*\b{_HEIGHT}\b)(?=.*\b{_STRUCTURE}\b)(?=.*\b{_ALONE_OR_LOSS}\b)",
        r"\b(?:wrote|written|writing) (?:a|my) (?:suicide |goodbye )?(?:note|letter)s?\b.*\b(?:family|goodbye|everyone)\b",
        # "I've written the notes to my mum and to Tash": notes to the people closest, not for a class
        r"\b(?:wrote|written|writing|left) (?:the |my |some |a few |two |three )?(?:goodbye |suicide )?notes to (?:my )?"
        r"(?:mum|mom|mam|dad|mother|father|wife|husband|partner|kids|children|son|daughter|family|sister|brother|parents|"
        r"girlfriend|boyfriend|ex|everyone)\b",
        r"\b(?:giving|gave) away my (?:things|stuff|belongings)\b",
        r"\b(?:giving|gave|given) (?:away )?my (?:[\w']+ ){1,4}(?:away )?to (?:friends|people|everyone|mates)\b.*\b(?:not really|"
        r"isn't really|but it's not)\b",
        r"\b(?:sorted|sorting|decided|worked) out who (?:gets|has|takes) (?:the kids|my \w+|everything)\b|\binsurance "
        r"(?:papers|policy|documents)\b.*\b(?:kitchen table|left out|where (?:they|she|he)'ll find)\b",
        r"\bknow (?:exactly )?what i'?d do with (?:it|them)\b",
        r"^(?=.*\b(?:rifle|gun|shotgun|pills|tablets|rope|morphine|insulin)\b)(?=.*\b(?:my|the|a|one) way out\b)",
        r"\b(?:research\w*|look\w* up|googl\w*|read(?:ing)? about)\b.*\b(?:which|what) (?:drugs?|pills?|ways?|methods?)s? "
        r"(?:don't|doesn't|wouldn't|won't) hurt\b|\bpainless (?:way|method)s?\b",
        r"^(?=.*\b(?:car park|multi[- ]?storeys?|bridge|roof|cliff|balcony|tower)\b)(?=.*\b(?:no fence|no railings?|"
        r"no barriers?|(?:don't|doesn't|without) (?:have )?(?:any )?(?:barriers?|fences?|railings?)|"
        r"lowest (?:fence|railing|wall)|gap in the (?:fence|railings?))\b)",
        r"\b(?:scratching|cutting|burning|hitting|picking at|stabbing) my (?:arms?|wrists?|legs?|thighs?|skin|stomach|hands?)\b"
        r"(?: [\w']+){0,3} (?:with|on) (?:a |the |my )?(?:pin|needle|blade|razor|knife|lighter|compass|scissors|glass)\b",
        # What a goodbye note says, without the word "goodbye".
        r"\b(?:letters?|notes?|messages?|videos?)\b.*\b(?:wasn't|isn't|is not|was not|not|never) "
        r"(?:their|your|his|her|anyone's|anybody's) fault\b",
        r"\b(?:tried|attempted) to (?:kill {self}|end (?:it|my life))\b".replace("{self}", SELF),
        r"\b(?:i'm|i am) (?:cutting|hurting) (?:myself|my self)\b",
        # A date chosen, and what it means for the people left.
        r"^(?=.*\b(?:picked|chosen|chose|set|decided on) (?:a|the) (?:date|day)\b)(?=.*\b(?:(?:nobody|no one|no-one) "
        r"(?:has|have|will have|'ll have|needs?) to (?:worry|deal|bother|put up)|be gone|won't be (?:here|around)|"
        r"not be (?:here|around))\b)",
        r"\bi(?:'ve| have)? (?:picked|chosen|set) (?:a|the) date\b(?! (?:for|to|of|with)\b)(?!.*\b(?:wedding|married|"
        r"marry|party|move|moving|surgery|operation|holiday|trip|launch|interview|appointment|birthday|christening|"
        r"hearing|court|viewing|completion|baby|due)\b)",
        r"\b(?:tying up|tie up|tied up|tidying up) (?:all )?(?:the |my )?loose ends\b.*\bbefore i (?:go|leave|die|check out)\b"
        r"(?! (?:on|to|into|away|abroad|for|back|travel\w*|home|out)\b)",
        r"\b(?:going to|gonna|planning to|plan to|want to|wanna) jump (?:off|from) (?:a |the )?(?:[\w']+ ){0,3}"
        r"(?:bridge|cliff|head|building|roof|car park|tower|balcony|flyover|overpass|viaduct|window)s?\b",
        # At the edge already once: a rehearsal is a preparatory act.
        r"^(?=.*\b(?:edge|bridge|cliff|ledge|roof|tracks|platform|beachy head)\b)(?=.*\b(?:working up (?:to it|the (?:courage|"
        r"nerve))|couldn't go through with it|almost did it|nearly did it|talked myself (?:out of it|down))\b)",
        # Timed so that nobody finds them in time.
        r"\b(?:do it|i'?m gone)\b.*\b(?:nobody|no one) (?:will|would|'ll|'d|can|could) find me\b|\b(?:nobody|no one) "
        r"(?:will|would|'ll|'d) find me (?:until|in time|for (?:hours|days|a while))\b",
        # Instructions left so that others can cope afterwards.
        r"\bso (?:he|she|they|my \w+|the kids|everyone) (?:can|could|will|would) (?:manage|cope|get by|be okay) "
        r"(?:after\W*$|without me\b)",
        # Charcoal or exhaust fumes in a sealed space.
        r"^(?=.*\bcharcoal\b)(?=.*\b(?:tape|taped|seal\w*|duct)\b)|\b(?:hose(?:pipe)?|tube)\b.*\bexhaust\b|"
        r"\bexhaust\b.*\b(?:hose(?:pipe)?|tube)\b",
        # Method research: which medicine, how much of it, how fast.
        rf"^(?=.*\b(?:looked up|looking up|look up|googl\w*|search(?:ed|ing)|research(?:ed|ing)|read up|working out|"
        rf"worked out|figuring out)\b)(?=.*\b{MEDS}\b)(?=.*{_ALL_OF_IT}|.*\b(?:lethal|fatal|kill|liver|hardest|"
        r"fastest|quickest|deadliest|most dangerous)\b)(?!.*\b(?:safe|safely|together|with food|allowed|should i|okay to|"
        r"the most i can)\b)",
        # Going somewhere and not coming back, as a plan.
        r"^(?=.*\b(?:my plan is|i'?m planning|i plan|i'?ve decided|i have decided|i'?m going to|i'?m gonna)\b)"
        r"(?=.*\b(?:and|to) (?:not|never) (?:come|coming) back\b)",
        rf"\b(?:the|my|all (?:the|my|of the|of my)) {MEDS} (?:are |all )?(?:lined up|counted out|set aside|put aside|"
        r"stashed|hidden away)\b(?!.*\b(?:for the week|weekly|daily|organi[sz]er|dosette|each day|every (?:day|morning|night))\b)",
        r"\b(?:thinking (?:of|about)|want to|wanna|tempted to|going to|gonna) (?:tak|swallow)\w* (?:them all|all of them|"
        r"the lot|the whole (?:lot|bottle|box|packet))\b",
        r"\bmix(?:ing|ed)?\b.*\b(?:under the sink|bleach|cleaners|chemicals|cleaning (?:stuff|products))\b.*\b(?:enough|"
        r"kill|lethal|fatal|seriously|would it work|does it work)\b",
        # Goodbyes behind a cover story.
        r"^(?=.*\b(?:said|saying|say) (?:my |proper |all my |a few |our )?goodbyes?\b)(?=.*\b(?:(?:they|he|she) thinks? i'?m "
        r"(?:moving|going) (?:away|abroad)|(?:they|he|she) (?:don't|doesn't|didn't) know (?:why|what)|no ?one knows|"
        r"nobody knows)\b)",
        r"^(?=.*\b(?:plenty|enough|stuff|things?|something|ways?)\b(?: [\w']+){0,5} (?:that'?d|that would|to|which would|"
        r"that could|that'll) do it\b)(?=.*\b(?:decided|chosen|picked|know) (?:which|what|how|where|when)\b)",
        r"^(?=.*\b(?:giv(?:en|ing)|gave) (?:away )?(?:everything|it all|all my (?:stuff|things|belongings)|my (?:stuff|things|"
        r"belongings))(?: away)?\b)(?=.*\b(?:nothing left (?:to sort|to do)|won't need (?:it|them|anything)|no point keeping|"
        r"(?:they|he|she) (?:don't|doesn't|didn't) know why)\b)",
        r"\b(?:giv(?:en|ing)|gave|handed) (?:away )?(?:my|all my) (?:[\w']+ ){1,6}to (?:my |a |the )?[\w']+\b.*\b(?:(?:he|she|"
        r"they) (?:doesn't|don't|didn't) know why|no idea why|won't need (?:it|them)|after i'?m gone)\b",
        r"\bknow (?:exactly )?(?:what|how much|how many)(?: of (?:it|them))? (?:to take|i'?d need|would do it)\b"
        r"(?! (?:for|with|on|to|when|if|in)\b)",
        r"\b(?:bring|bringing|brought|nick\w*|pinch\w*|sneak\w*|steal\w*|stole) (?:stuff|drugs|vials|morphine|ampoules|meds) "
        r"home from (?:the )?(?:ward|work)\b",
        r"\b(?:carbon monoxide|charcoal|exhaust fumes?|helium|nitrogen)\b.*\b(?:(?:any )?other way out|way out|end it|painless|"
        r"kill my ?self)\b",
        r"\b(?:the )?last (?:time )?(?:she|he|they|you|anyone|anybody|you lot)(?:'ll| will) (?:ever )?hear (?:from|of) me\b",
        rf"^(?=.*\b(?:keep(?:ing)? back|kept back|hold(?:ing)? on to|held on to|putting aside|put aside|set(?:ting)? aside|"
        rf"squirrel\w* away|stash\w*|hid(?:ing|den)?|hoard\w*)\b)(?=.*\b{MEDS}\b)(?=.*\b(?:in case i (?:decide|do it|go "
        r"through with it|need a way out)|when the time comes|if i decide|if it comes to (?:it|that)|for when i'?m ready)\b)",
        r"\bover (?:does|dose[ds]?|dosing)\b(?! it\b)",
        # Already taken, told after the fact.
        rf"^(?=.*\b(?:took|taken|swallowed|downed|necked)\b)(?=.*\b(?:{MEDS}|packet|bottle|box|strip)\b)(?=.*\b(?:a load of|loads of|a lot of|a handful of|way too many|"
        r"more than i should|the (?:whole|hole|entire) (?:packet|bottle|box|strip|lot))\b)(?=.*\b(?:to see what(?:'d| would)? "
        r"happen|brought (?:it|them) (?:back )?up|threw (?:it|them) up|was sick|stomach pumped|didn't work)\b)",
        r"\b(?:when|once) i (?:finally )?do it\b.*\b(?:no mess|(?:my|the) will|solicitor|paperwork|insurance|affairs)\b|"
        r"\b(?:(?:my|the) will|solicitor|paperwork|insurance|affairs)\b.*\b(?:when|once) i (?:finally )?do it\b",
        r"\b(?:bought|got|have|kept) (?:a|the) (?:hose ?pipe|hose|rope)\b.*\bi know what (?:it'?s|it is) for\b",
        r"\bi'?ve been (?:researching|looking (?:up|at|into)|reading (?:up )?(?:about|on)|googling) (?:different )?methods\b"
        r"(?! (?:for|of|in|to)\b)",
        rf"^(?=.*\b(?:reservoir|river|lake|quarry|canal|loch|weir|dam)\b)(?=.*\b(?:deep|cold|fast)\b)(?=.*\b{_ALONE_OR_LOSS}\b)"
        r"(?!.*\b(?:swim|swam|fish|kayak|paddl|boat|sail|canoe)\w*)",
        r"\b(?:know|decided|worked out) (?:exactly )?(?:what|which|how) i'?d (?:use|take)\b(?! (?:for|to|if|instead|in)\b)",
        # A place scouted: been to look at it, more than once.
        r"^(?=.*\b(?:spot|place|bit|part)\b)(?=.*\b(?:cliffs?|quarry|bridge|edge|drop|railway|tracks|viaduct|pier|reservoir|"
        r"multi[- ]?storey|car park)\b)(?=.*\b(?:been (?:up|down|out|over|back)(?: there)? (?:a few times|a couple of times|"
        r"twice|again|to (?:have a )?look)|gone (?:up )?to (?:have a )?look|went (?:up )?to (?:have a )?look|checking it out)\b)"
        r"(?!.*\b(?:view|views|sunsets?|walks?|walking|picnics?|photos?|birds?|birdwatching|climb\w*|dog)\b)",
        r"\bi(?:'ve| have)? got the means\b|\bi (?:have|'ve got) (?:the )?means\b(?! (?:test|to (?:pay|buy|afford|live|get|"
        r"do|support)))",
        r"\bi know where (?:(?:he|she|dad|my \w+) keeps )?the (?:bullets|ammo|ammunition|cartridges|shells)\b"
        r"(?!.*\b(?:lock\w*|safe|cabinet)\b)",
        # At the water or the drop, working out what it would take.
        r"^(?=.*\b(?:pier|bridge|cliffs?|edge|harbour wall|sea wall|quarry|weir|dam|viaduct)\b)(?=.*\bworking out "
        r"(?:the (?:tide|tides|height|drop|current)|how (?:high|deep|far|cold|long))\b)(?!.*\b(?:tide times|fish\w*|boat\w*|"
        r"sail\w*|swim\w*|surf\w*|kayak\w*|paddl\w*)\b)",
        # A rehearsal with the means: went there with it, sat, came home.
        r"^(?=.*\b(?:rope|noose|hose ?pipe|rifle|gun|shotgun)\b)(?=.*\b(?:woods|forest|trees?|barn|beam|garage|shed|loft|"
        r"car park|lay-?by|quarry)\b)(?=.*\b(?:sat there|sat in the (?:car|van|ute|truck)|couldn't (?:do it|go through)|"
        r"(?:then )?came (?:back|home)|drove (?:back|home)|an hour|for hours)\b)(?!.*\b(?:camping|tent|tarps?|climb\w*|"
        r"swing|tow\w*|fencing|hay|bales?|shoot(?:ing)? (?:rabbits|pigeons|clays)|hunting)\b)",
        # Affairs put in order, said to be for a time after oneself: "signed the truck over to my son,
        # for when I'm not around", "paid for my cremation, they'll need it sooner than they think".
        r"^(?=.*\b(?:gave|given|giving|handed (?:over|on)|rehom(?:ed|ing)|found (?:a )?(?:new )?home for|signed (?:over|the)|"
        r"sold|left (?:a |my )?(?:note|letter)s?|wr(?:ote|itten|iting) (?:my |the |some |a few )?(?:goodbye|letters|notes)|"
        r"scheduled|timer|paid (?:off|for my (?:own )?(?:funeral|cremation))|prepaid|changed the beneficiary|said (?:my )?goodbye|"
        r"sorted (?:out )?(?:my|the) (?:will|affairs|paperwork|insurance|accounts|pension|finances)|(?:get|got|getting|put|"
        r"putting) (?:the |my )?(?:\w+ )?(?:stuff|affairs|things|paperwork) (?:straight|in order|sorted))\b)"
        r"(?=.*\b(?:(?:when|once|after) i'?m (?:gone|not (?:around|here))|for after(?=\W*(?:[,.;!]|$))|won'?t be (?:around|here)"
        r"(?= (?:much )?(?:longer|any ?more|to see)|\W*(?:[,.;!]|$))|i'?m not coming back(?! to)|sooner than (?:they|you|anyone|people) "
        r"(?:think|expect)|didn'?t know it was (?:really |actually )?(?:a )?goodbye|explain(?:s|ing)? everything|go through with "
        r"it|won'?t be long now(?! (?:till|until|before|and)))\b)",
        r"^(?=.*\b(?:rehomed|rehoming|gave|given|giving|found a (?:new )?home for|handed over)\b)"
        r"(?=.*\b(?:said|told (?:her|him|them|everyone|people|my \w+))(?: that)? i(?:'m| am| was) (?:working away|moving|"
        r"going away|going abroad|emigrating|going travelling)\b)(?=.*\bi'?m not\b)",
        r"^(?=.*\b(?:funeral|who gets|my will|headstone|coffin|eulogy)\b)(?=.*\b(?:won't be long now|not long now|any day "
        r"now)\b)(?!.*\b(?:mum|mom|dad|nan|gran\w*|grandad|grandpa|aunt|uncle|husband|wife|he|she|his|her|hospice)\b)",
        r"\b(?:thinking|think|thought) i'?ll (?:go|jump|drive|step) (?:over|off) (?:the )?(?:edge|cliff|bridge|top)\b(?! of\b)",
        r"^(?=.*\b(?:drove|aimed|steered|pointed the car) (?:the car )?(?:at|straight at|towards) (?:a|the) (?:tree|wall|"
        r"lorry|truck|bridge|pillar|barrier|bus)\b)(?=.*\b(?:had a go|on purpose|meant to|told (?:everyone|them|people|"
        r"the police|my \w+)|last second|last minute)\b)",
        r"\bwho to (?:ring|call|phone|tell|contact) (?:afterwards|when i'?m gone|once i'?m gone|after(?=\W*(?:[,.;]|$)|"
        r"\W+(?:and|left|then)\b))",
        r"^(?=.*\bwhen (?:nobody|no ?one|no-one)(?:'d| would|'ll| will)? be (?:about|around|home|in)\b)(?=.*\b(?:barn|beam|"
        r"rafters|rope|garage|shed|loft|pills|tablets|bridge|gun|rifle|woods)\b)",
        # A firearm named as a short answer ("Aye, the rifle.").
        r"^\W*(?:yes|yeah|yep|aye|yup|mm|uh huh|i do|i have)\W+(?:the |my |dad'?s |his |our )?(?:old )?(?:rifle|gun|shotgun|"
        r"pistol|revolver)\W*$",
        r"^(?=.*\b(?:worked out|figured out|calculated) (?:the (?:drugs?|doses?|dosages?|amounts?|quantit(?:y|ies))|how much|"
        r"what dose)\b)(?=.*\b(?:thought it (?:all )?through|for myself|on myself|would do it|it would take|enough to)\b)",
        r"\bso (?:it'?s|it is|it'?ll be|it will be|things are|it'?s all) (?:easy|easier|simple|simpler|less work) for (?:them|"
        r"him|her|everyone|the kids|my \w+)(?: to (?:sort|deal with|find|manage))? (?:after(?:wards)?(?=\W*(?:[,.;!]|$))|"
        r"when i'?m gone|once i'?m gone)",
        r"\b(?:know|worked out|figured out|found out) (?:exactly )?(?:which|what|how much) (?:[\w']+ ){0,3}(?:chemicals?|"
        r"poisons?|pesticides?|weedkillers?|herbicides?|drugs?|pills?|tablets?|meds|medicines?|doses?|fall|drop|height|"
        r"bridge) (?:would|will|'d|could) do it\b",
        r"\b(?:won'?t|will not) (?:be )?need(?:ing)? (?:it|them|him|her|this|that|anything|any of (?:it|this|that)|my \w+) "
        r"(?:where i'?m going|where i'?m headed)\b(?!.*\b(?:spain|abroad|australia|holiday|sun|hot|warm|moving|move|"
        r"emigrat\w*|travel\w*|trip|beach|job|uni|college|contract|posting|retire\w*)\b)",
        r"\b(?:picked|chosen|chose|found|sorted|checked) (?:out )?(?:the|a) (?:beam|rafters?|joist|banister)\b(?!.*\b(?:paint\w*|"
        r"sand\w*|replac\w*|repair\w*|fix(?:ed|ing)? (?:it|the)|oak|timber|builder|joiner|carpenter|renovat\w*|extension|"
        r"kitchen|woodworm|rot)\b)",
        # The means brought home behind a cover story ("told him it was for rabbits, it isn't").
        r"^(?=.*\b(?:(?:shot)?guns?|rifles?|pistols?|pills|tablets|rope|ammo|cartridges|hose ?pipe)\b)(?=.*\b(?:told|said to) "
        r"(?:him|her|them|everyone|my \w+)(?: that)? (?:it was|it's|they were|they're|i needed (?:it|them)) for\b)"
        r"(?=.*\b(?:it isn'?t|it's not|it wasn'?t|they'?re not|they aren'?t|they weren'?t|not really|that's not (?:true|why))\b)",
    ],
    "active": [
        r"\b(?:just )?end(?:ing)? it(?: all)? (?:for good|tonight|now|forever)\b",
        r"\bjust (?:end|ending) it\b(?! with\b)",
        r"\b(?:off|unalive|top|topping|topped) my ?self\b|\bun ?alive\b",
        r"\b(?:burn|burned|burnt|cut|scratch|starve)\w* my ?self\b(?! off\b)",  # not "cutting myself off from"
        # "Kill me" is the speaker's own wish unless a person is the one who will ("my boss will kill
        # me when she sees the report": a figure of speech; a real threat is the abuse path's).
        rf"^(?!.*\b(?:(?:my |the |his |her |our )?{PEOPLE}|(?:this|that|the) (?!pills|tablets|rope|gun|drop|fall)[\w']+|it|"
        rf"that)(?:'ll| will|'s gonna| is gonna|'s going to| is going to| are going to|'re gonna) kill me\b)"
        rf".*?\b(?=kill){NOT_THREATENED}kill(?:ing)? me\b",
        r"\b(?:kill(?:ing)? my ?self|end(?:ing)? my (?:own )?life|tak(?:e|ing) my (?:own )?life|suicid\w*|"
        r"suicide all)\b",
        r"\b(?:tak(?:e|ing)|remov(?:e|ing)|get(?:ting)?) my ?self (?:out of|from) (?:the picture|the equation|this world|"
        r"everyone's lives?|existence)\b",
        # "end it all" as speech recognition hears it
        r"\b(?:want|wanna|wanted|going|gonna|ready|just) (?:to )?(?:and|in) it all\b",
        r"\b(?:hurt|harm|cut)(?:ing)? my ?self\b(?! off\b)",
        r"\b(?:going to|gonna|want to|wanna|thinking (?:of|about)|about to|tempted to|urges? to) (?:shoot|hang|drown|gas|"
        r"poison|stab|electrocute) my ?self\b",
        # "She cut me with a glass" is someone else's violence (the abuse path), not self-harm.
        rf"\b(?=hurt|harm|cut){NOT_THREATENED}(?<!she )(?<!he )(?<!they )(?:hurt|harm|cut)(?:ing)? me\b(?! off\b)",
        r"\bself[- ]?harm\w*\b",
        r"\b(?:thoughts? (?:of|about)|think(?:ing)? (?:of|about)|want(?:ed)? to|wanna|considering|urges? to|tempted to) "
        r"end(?:ing)? (?:things|everything|it(?: all)?)\b(?! with\b)",
        r"\b(?:go|drive|walk|head|swim|wander)\w*(?: out| off)? (?:in)?to the (?:forest|woods|sea|lake|river|moors?|hills|"
        r"mountains?|cliffs?|water)\b.*\band (?:not|never) (?:come|coming) back\b",
        r"\b(?:die|dying|death|end|gone|not (?:being )?(?:around|here))\b.*\bby my (?:own )?hands?\b",
        r"\b(?:want|wanna|going|gonna|thinking about|feel like|ready|about) (?:to )?(?:kms|kys)\b",
        # "Taking myself out" as a thought, never "taking myself out for a walk".
        r"\b(?:take|taking) my ?self out\b(?! (?:for|to|of|on|into|with|shopping|somewhere))(?=.*\b(?:all i think about|"
        r"keep thinking|thoughts?|urges?|think(?:ing)? about)\b)|\b(?:thinking about|think about|thoughts? of|urges? to|want to|"
        r"wanna) (?:take|taking) my ?self out\b(?! (?:for|to|of|on|into|with|shopping|somewhere))",
        r"\b(?:hitting|punching|biting) my ?self\b(?! (?:on|with|in the|against|for)\b)",
        r"\bput(?:ting)? my ?self down\b.*\b(?:animals?|dogs?|horses?|pets?|cattle|sheep)\b",
        # Quitting, said of oneself and not the job ("pack it in, life I mean, not work").
        r"^(?=.*\b(?:call(?:ing)? it (?:a day|quits)|pack(?:ing)? it (?:all )?in|jack(?:ing)? it in|throw(?:ing)? in the towel|"
        r"quit(?:ting)?|give up|giving up|be done|check(?:ing)? out|clock(?:ing)? (?:off|out)|end(?:ing)? it)\b)"
        r"(?=.*(?:\bnot (?:the |my )?(?:job|work|marriage|course|uni|team|band)\b,? (?:me|life|living)\b|\b(?:life|me|living),? "
        r"i mean\b))",
        r"\b(?:how (?:i'?d|i would|to|i could|i'?ll)|thinking (?:of|about)|thought (?:of|about)|want(?:ed)? to|wanna|going to|"
        r"gonna|tempted to|urges? to|could just|might just|should just) (?:just )?do(?:ing)? my ?self in\b",
        r"\b(?:us(?:e|ing)|turn(?:ing)?) (?:what i know|my (?:training|knowledge|skills|access)|what i(?:'ve| have) learn(?:ed|t))"
        r"(?: [\w']+){0,3} on my ?self\b",
    ],
    "passive": [
        r"\b(?:wish|hope|pray)\w* (?:someone|somebody|something|it|god|(?:a|the) [\w']+)(?: [\w']+){0,2} (?:would|'d|will|"
        r"'ll|could) (?:just )?(?:kill|take) me\b",
        r"\bnever (?:have to )?wake up\b",
        r"\b(?:crash(?:ed)?|hit|died?) and (?:didn't|don't|not|never) (?:make it|wake up|come back)\b",
        r"\b(?:so|then) i (?:don't|wouldn't) (?:have to )?be here (?:anymore|any more)\b",
        r"\bsomething (?:will|would|to) happen to me\b",
        r"\bwish(?:ing)? (?:i'?d|i would|i could|i might|that i'?d) (?:[\w']+ ){0,5}(?:die|dead|not exist|disappear|not wake)\b",
        r"\b(?:rather|prefer to) (?:be dead|not be alive|not exist|be in the ground)\b",
        # "I wouldn't mind if I just didn't wake up"
        r"\b(?:wouldn'?t|would not|won'?t|don'?t) mind if i (?:just |simply |never |quietly )?(?:didn'?t|did not|never|don'?t) "
        r"(?:wake up|woke up|make it|come back)\b|\b(?:wouldn'?t|would not|don'?t) mind (?:dying|not waking up|if i died)\b",
        r"\b(?:should have|could have|had) taken me instead\b",
        r"\bhope (?:the \w+ (?:goes down|crashes)|i (?:die|don't make it|get hit))\b",
        r"\b(?:wish|wished|wishing|want|wanted|wanting) (?:i was|i were|to be) dead\b",
        r"\b(?:okay|ok|fine|alright|happy|at peace|relieved) (?:with it )?if (?:it|my time|time|my life|life) (?:ran|runs|run) "
        r"out\b|\b(?:okay|ok|fine|alright|happy|relieved) if i (?:died|were to die|didn't wake up|never woke up|wasn't here|"
        r"was gone)\b",
        r"\b(?:a )?(?:mercy|relief|blessing) (?:not to|to not|if i didn't) (?:exist|be here|be alive|wake up)\b",
        r"\b(?:wish|wished|wishing|want|wanted|wanting|wanna)\b.*\bsleep\b.*\b(?:forever|for good)\b",
        r"\b(?:fine|okay|ok|happy|alright) with\b.*\bcheck(?:ing)? out (?:early|for good|permanently)\b|"
        r"\b(?:wouldn't mind|want to|wanna|wish i could) check(?:ing)? out\b(?! (?:of|from) (?:the|this|our|my) "
        r"(?:hotel|hostel|room|airbnb|flat|house))",
        r"\b(?:wish|hope) i (?:wouldn't|would not|didn't|did not|won't|don't) wake up\b",
        r"\b(?:not|never) (?:to )?wake up\b",
        # "go to sleep and not wake up", as Whisper also hears it ("...and out wake up")
        r"\b(?:wish|wished|wishing|want|wanna|hope)\b.{0,40}\b(?:sleep|bed)\b.{0,12}\band (?:out|nod|knot|no) wake up\b",
        r"\b(?:don't|do not) want to (?:be here|live|exist|be alive)(?: anymore| any more)?\b",
        r"\bbetter off (?:dead|without me)\b",
        r"\b(?:i|i've|i have)? ?(?<!don't )(?<!do not )(?<!never )(?:just |really |still )?(?:want|wanna|wanted|"
        r"been wanting) to die\b",
        r"\bno reason to (?:live|go on)\b",
        r"\b(?:want|wanted) (?:it all )?to (?:end|stop existing|disappear forever)\b",
        r"\b(?:love|like|want|wanna|wish|prefer|rather) (?:to )?(?:just )?not (?:exist|be alive|wake up)\b",
        r"^(?=.*\b(?:wish|hope|want|ready|hurry|pray)\w*\b)(?=.*\b(?:call|take|calls|takes) me home\b)",
        r"\b(?:just |only )?waiting (?:to die|for (?:death|the end|my time))\b",
        r"\bdeath (?:sounds|seems|looks|would be|feels) (?:like )?(?:a )?(?:nice|good|welcome|peaceful|relief|rest|holiday|"
        r"better|easier)\b",
        r"\b(?:came|come|comes) and (?:took|take|takes) me\b.*\b(?:thank you|bring it on|glad|relief|welcome)\b",
        r"\bhop(?:e|ed|ing) (?:a|the) (?:round|bullet|bomb|ied|sniper)\b",
        r"\b(?:scan|test|results?|biopsy|lump|tumou?r|growth|mole|x-?ray|mri|mammogram)\b.*\b(?:clear|negative|fine|"
        r"benign)\b.*\b(?:disappointed|gutted|let down)\b",
        # Envying a death and wanting it now, not in old age.
        r"^(?=.*\b(?:want|wanna|wish i could|i'?d like|hope i) (?:to )?go like (?:that|her|him|them|she did|he did)\b)"
        r"(?=.*\b(?:jealous|envious|envy|now|soon|can't wait|sooner the better)\b)(?!.*\b(?:when i'?m|when my time|at "
        r"(?:ninety|a hundred|\d+)|old age|one day|someday|eventually)\b)",
        r"\b(?:welcome it|wouldn't mind|be glad|be happy|not mind)\b.*\b(?:my number (?:came|comes) up|my time (?:came|comes))\b"
        r"(?!.*\b(?:lottery|raffle|draw|bingo|ticket)\b)",
        r"\b(?:an |a )?(?:accident|crash|heart attack|stroke|illness|dying)\b(?: [\w']+){0,4} (?:wouldn't be|would not be|"
        r"isn't|is not|might not be) (?:the worst thing|so bad|a bad thing|such a bad thing)\b",
        r"^(?=.*\b(?:hospice|dying|terminal|cancer|funeral|grave|passed|died)\b)(?=.*\b(?:go|die|trade places)\b.*"
        r"\b(?:in (?:his|her|their|my \w+'s) place|instead of (?:him|her|them))\b)",
        r"\b(?:want|wanted|wanting|wish|wished|wishing) (?:to |i could )?(?:go to )?sleep (?:forever|for good|and never)\b",
        # Wanting to follow someone who died.
        r"^(?=.*\b(?:died|passed away|passed|death|grave|heaven|funeral|lost (?:him|her|them))\b)"
        r"(?=.*\b(?:should|could|want to|wanna|wish i could|going to|gonna|just) (?:go and )?(?:join|be with) (?:him|her|them)\b)",
        r"\b(?:erased|wiped) (?:from|out of) existence\b|\bstop(?:ped)? existing\b|\bcease to exist\b",
        r"\bhop(?:e|ed|ing)\b.*(?<!n't )(?<!not )\b(?:finish(?:es|ed)? me off|kills? me|takes? me out)\b",
        r"\b(?:plane|flight|turbulence)\b.*\bhop(?:e|ed|ing)\b.*\b(?:go(?:es)? down|crash(?:es)?)\b",
        r"\bhop(?:e|ed|ing)\b(?: [\w']+){0,4} (?:cancer|tumou?r|lump|scare|biopsy|diagnosis|illness|disease)\b.*"
        r"(?<!n't )(?<!not )\b(?:is|turns? out|comes? back|to be|was) (?:real|bad|serious|terminal|malignant|fatal)\b",
        # Hoping an accident or one's own body ends it: "I kinda hope a forklift clips me", "part of
        # me hopes the heart packs in", "I'd welcome a crash on the drive in".
        r"\b(?:hope|hopes|hoping|wish|wishing|pray|praying|wouldn't mind|would not mind|welcome)\b(?! (?:not|it doesn't|it "
        r"won't|nothing))(?:\W+[\w']+){0,6}?\W+(?:(?:a|the|some) (?:crash|accident|car|bus|lorry|truck|van|forklift|deer|train|"
        r"tram|tractor)\b(?:\W+[\w']+){0,4}?\W+(?:hits?|clips?|takes?|kills?|runs? over|knocks? (?:me )?down|comes? through)"
        r"(?: me\b| the (?:windscreen|windshield)\b)|(?:my|the) heart (?:just |would just |will just )?(?:gives? out|gave out|"
        r"packs? in|packed in|stops for good|stop(?:s|ped)?(?= in (?:my|the) (?:sleep|night)| at night| on its own|"
        r"\W*(?:[,.;!]|$)))|my number'?s up\b|(?:chopper|helicopter|plane|boat) (?:goes|go|went) down\b|"
        r"(?:the|a) batch (?:is|was) bad\b)",
        r"\b(?:welcome|wouldn't mind|would not mind|be glad of)\b(?! (?:not|it doesn't|it won't|nothing))(?:\W+[\w']+){0,2}?"
        r"\W+(?:a|the) (?:crash|accident|heart attack|stroke)\b(?! (?:course|investigation|report|claim|helmet))",
        # Waiting to be taken, and welcoming it.
        r"\b(?:till|until|for when|waiting for) (?:the (?:good )?lord|god|jesus|the man upstairs|my time) (?:takes|calls|comes "
        r"for) me\b.*\b(?:sooner the better|can't come soon enough|hurry up)\b",
        # A fatal accident or illness, welcomed: "if the roof caved in on me I'd say thanks".
        r"^(?=.*\bif\b)(?=.*\b(?:struck by lightning|heart (?:just )?stop(?:ped|s)|roof (?:caved|fell|came) (?:in|down)|"
        r"(?:it|the \w+) (?:rolled|crashed|went down)|hit by (?:a|the) (?:bus|car|lorry|truck|train)|(?:a|the) (?:bus|car|lorry|"
        r"truck|train) (?:hit|ran over) me|didn't wake up|never woke up|keeled over|dropped dead)\b)"
        r"(?=.*\b(?:i'?d|i would|i wouldn't|wouldn't|it'?d|it would) (?:say thanks|"
        r"call (?:that|it) a win|be (?:glad|grateful|relieved|thankful)|not mind|mind (?:much|that much|too much)|"
        r"save (?:everyone|everybody|us all|my family))\b)",
        r"\bhop(?:e|ed|ing)\b(?: [\w']+){0,4} (?:scans?|tests?|results?|biopsy|doctors?|bloods?) (?:find|found|show|shows|"
        r"come back|say)\b(?: [\w']+){0,3} (?:terminal|cancer|fatal|incurable|the worst)\b",
        r"^(?=.*\b(?:'s|is|are|both) gone\b)(?=.*\bjust as soon (?:go and )?(?:join|be with) (?:him|her|them)\b)",
        r"\b(?:better off|easier|simpler|best for everyone)\b.*\bif i (?:just )?(?:was(?:n'?t| ?nt| not)|weren't|were not) "
        r"(?:just )?(?:here|around|alive)\b|\bif i just (?:was(?:n'?t| ?nt| not)|weren't) (?:here|around)\b",
        r"^(?=.*\b(?:cancer|terminal|tumou?r|diagnos\w*)\b)(?=.*\b(?:relieved|relief|glad)\b)(?=.*\b(?:it'?ll be over|it would be "
        r"over|be over soon|it'?d (?:all )?be over)\b)",
        r"\b(?:jealous|envious|envy)\b.*\b(?:he|she|they) (?:got|gets|get) to go\b(?! (?:to|on|home|out|abroad|away|for)\b| and "
        r"(?!i\b|i'm\b|me\b))",
        r"\bif i (?:just )?(?:went|go|drifted off|drift off|could go) to sleep and (?:that (?:was|would be|'d be|'s) "
        r"(?:that|it|the end))\b",
        r"\bif i (?:went off the road|came off the road|crashed(?! out)|died|drowned|fell(?! (?:asleep|out|behind))|"
        r"got hit|didn't (?:come back|make it|wake up)|wasn't (?:here|around)|disappeared|went under)\b.*"
        r"\bno (?:great |big )?loss\b",
        r"^(?=.*\b(?:heart|cancer|tumou?r|terminal|diagnos\w*|scan|biopsy|lump)\b)(?=.*\b(?:let it (?:take|have|finish) me|"
        r"let it (?:go|happen)|bring it on)\b)(?=.*\b(?:good|fine by me|about time|finally|relieved)\b)(?!.*\b(?:benign|"
        r"all clear|nothing (?:serious|wrong)|fine now|negative)\b)",
        r"^(?=.*\b(?:swap|trade|change)(?:ped)? places with\b)(?=.*\b(?:in the ground|grave|died|passed|cemetery|funeral)\b)",
        r"\bhop(?:e|ed|ing)\b(?: [\w']+){0,4} (?:rolls? (?:on|over) me|falls? on me|lands? on me|hits me|runs? me over|"
        r"crush(?:es)? me)\b",
    ],
    "harm_others": [
        r"\b(?:put|putting|slip|slipping)\b (?:something|stuff|bleach|poison|pills|tablets|rat poison) (?:in|into) "
        r"(?:his|her|their|my [\w' ]{1,30}'s) (?:tea|coffee|drink|food|dinner|meal)\b",
        r"\b(?:going to|gonna|want to|will|need to|have to|got to|gotta) (?:kill|hurt|stab|shoot) (?:him|her|them|my "
        r"(?:[\w']+ )?" + PEOPLE + r")\b(?! (?:off|with kindness)\b)",
        # A weapon and the person's address or days numbered.
        r"^(?=.*\b(?:(?:shot)?gun|rifle|knife|machete|blade|bat|crowbar)\b)(?=.*\b(?:(?:his|her|their) (?:address|house|"
        r"flat|door)|(?:he|she|they|[a-z]+) (?:won't|will not) see (?:the weekend|tomorrow|christmas|another \w+|next \w+))\b)",
        r"\b(?:going to|gonna|i'll|i will)\b(?: [\w']+){0,12} (?:run (?:him|her|them) over|do (?:him|her|them) in|smash (?:his|her|"
        r"their) (?:face|head) in)\b",
        r"\b(?:tak(?:e|ing)|bring(?:ing)?) (?:the|my) (?:shotgun|gun|rifle|knife|machete|bat|crowbar) (?:round|over)\b.*\b(?:not joking|"
        r"see how|teach (?:him|her|them))\b|\bnext time\b.*\b(?:tak(?:e|ing)|bring(?:ing)?) (?:the|my) (?:shotgun|gun|rifle|knife|"
        r"machete|bat|crowbar) (?:round|over)\b",
        r"\b(?:thought about|think about|thinking about|could|want to|going to|gonna) (?:[\w']+ ){0,3}(?:a |the )?pillow over "
        r"(?:his|her|their|my \w+'s) face\b",
        r"^(?=.*\b(?:i'?ll|i will|i'?m going to|i'?m gonna|gonna|going to) put (?:him|her|that \w+) (?:in the ground|six "
        r"feet under|in (?:a|the) (?:box|grave|hospital|morgue))\b)(?=.*\b(?:i mean it|not joking|if (?:he|she)|one more|"
        r"i know where (?:he|she)|i swear)\b)",
    ],
    "abuse": [
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|dad|father|mum|mom|mother)) "
        r"(?:hits|hit|beats|beat|chokes|choked|threatens|threatened|hurts|pushed|pushes|shoved|shoves|slapped|slaps|"
        r"punched|punches|kicked|kicks|strangled|strangles) me\b",
        r"\b(?:said|says|keeps saying|told me|threatened|threatens|swore|swears)(?: that)? (?:he|she|they)(?:'d|'ll| will|"
        r" would| is going to| was going to|'s gonna|'s going to) (?:kill|hurt|strangle|stab|choke|hit) me\b",
        r"\bif i (?:ever )?(?:leave|go|tell|call|report|try)\b.*\b(?:he|she|they)(?:'ll| will|'d| would) (?:kill|hurt|find) "
        r"me\b",
        r"\b(?:pulled|held|waved|pointed) (?:a|the|his|her) (?:knife|gun|blade) (?:on|at|to) me\b",
        # Control (friends, phone, whereabouts) and violence together.
        r"^(?=.*\b(?:(?:won't|will not|doesn't|does not) let me (?:see|go|leave|have|talk|speak|contact|work)|"
        r"(?:tracks|tracking|checks|monitors|reads) my (?:location|phone|messages|texts|emails))\b)(?=.*\b(?:threw|throws|"
        r"shoved|pushed|grabbed|slapped|kicked|punched|strangled|choked|hit|hits)\b)",
        # A threat that keeps someone from leaving or telling.
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|ex|dad|father|mum|mom|mother|stepdad))"
        r"(?: says| said|'s said| has said| keeps saying)?(?: (?:he|she|they))?(?:'ll| will|'d| would) (?:kill|hurt|find) me "
        r"if i (?:leave|go|tell|call|report|speak|try|ever)\b",
        r"\b(?:i'm|i am) (?:scared|afraid) (?:of|for my life)\b.*\b(?:partner|husband|wife|boyfriend|girlfriend|home)\b",
        # A named threat of violence over money or a grudge.
        r"\b(?:he|she|they|(?:a|the) (?:fella|guy|bloke|man|lad|woman)|loan sharks?)\b.*(?:'ll|\bwill|\bwould|'d|\bis going to|"
        r"'s going to|\bare going to|'re gonna|'s gonna|\bthreatened to|\bthreatening to) (?:break my (?:legs|arms|neck|face|jaw|"
        r"fingers)|smash my (?:face|head)|do me in|stab me|shoot me|burn (?:my|the) (?:house|flat))\b",
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|ex|dad|father|mum|mom|mother|stepdad)) "
        r"(?:held|put|pressed|pointed|holds|puts|presses) (?:a|the|his|her|their) (?:knife|gun|blade|hands?) (?:to|at|against|"
        r"round|around) my (?:throat|neck|head|face|chest)\b",
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|ex|dad|father|mum|mom|mother|stepdad)) "
        r"(?:locks|locked|keeps locking|has locked) me (?:in|inside) (?:the|my|a|our) (?:room|bedroom|bathroom|house|flat|"
        r"cupboard|basement|cellar|shed|loft)\b",
    ],
    "watch": [
        r"\b(?:hopeless|no hope|pointless|no point|no future|can't go on|cannot go on)\b",
        r"\b(?:a |such a )?burden (?:to|on) (?:everyone|my family|them|people)\b",
        r"\bused to (?:think about|want to) (?:dying|die|kill)\w*\b",
    ],
}

# Figures of speech and talk about suicide as a topic (research, media, training, other
# people's history); removed before matching. A model-only flag on such a sentence does not count.
MEANS = r"(?:pills|tablets|meds|medication|medicine|painkillers|knife|knives|blades?|razors?|rope|guns?|car keys)"

IDIOMS = [
    r"\b(?:is|was|are|'s|keeps|kept)(?: \w+)? killing me\b",
    r"\b(?:he|she|they|my \w+|mum|mom|dad) (?:is|'s|are|'re) (?:going to|gonna) kill me\b",
    r"\b(?:he|she|they|my \w+|mum|mom|dad)(?: says| said)?(?: (?:he|she|they))?(?:'ll| will|'d| would) kill me if (?:i'?m late|i am late|i "
    r"(?:spoil|miss|forget|eat|drink|finish|break|lose|scratch|dent|ruin|burn|don't (?:call|text|bring|get|finish|"
    r"come|tidy|clean|watch)))\b",
    r"\b(?:end|ending|ended|finish|finishing) (?:it|things) (?:with|between) (?:him|her|them|us|my (?:[\w']+ )?"
    r"(?:partner|boyfriend|girlfriend|husband|wife|fianc\w*|ex|other half|date))\b",
    r"\b(?:weekly|daily|day of the week) (?:pill )?(?:box|boxes|organi[sz]er|planner|dispenser)\b|\bpill "
    r"(?:organi[sz]er|dispenser)\b|\bdosette\b",
    r"\b(?:only )?tak(?:e|ing) (?:half|a half|a quarter)(?: of)? (?:a|one)\b",
    r"\bkill (?:him|her|them|my \w+) if (?:he|she|they) (?:eats?|breaks?|borrows?|spoils?|finish(?:es)?|drinks?|uses?|"
    r"wears?|forgets?)\b",
    r"\bkill (?:him|her|them|my \w+)\b.*\b(?:he|she|they)(?:'s|'ve| has| have) (?:eaten|drunk|finished|broken|borrowed|used|"
    r"nicked|pinched|lost|scratched|dented|ruined)\b",
    r"\b(?:taking|take|took|bring|bringing|return\w*) (?:them|it|(?:my |the |some |a bag of )?(?:old |unused )?(?:pills|"
    r"tablets|meds|medicines?|prescriptions)) back to the (?:chemist|pharmacy)\b",
    # Medicine for an everyday ailment.
    rf"\b(?:taking|take|took|had|have) (?:some |a couple of |two |one )?{MEDS} for (?:this|my|a|the) (?:tooth ?ache|headache|"
    r"back|cold|flu|period pains?|cramps|migraine|fever|knee|hip|shoulder|sore throat|hay ?fever|hangover)\b",
    r"\bhang(?:ing)? on (?:a (?:sec|second|minute|moment|mo)|one sec)\b|\b(?:absolutely|proper|really) hanging\b|"
    r"\bhung ?over\b|\b(?:phone|battery|laptop)(?:'s| is) (?:dying|about to die|dead)\b|\bif i cut out\b",
    r"\b(?:high|diving|top) board\b|\bbungee\b|\bsky ?div\w*|\bparachut\w*|\bzip ?lin\w*|\btrampolin\w*|"
    r"\bjump(?:ing|ed)? (?:the )?(?:queue|gun|ship|start|on a call|in the shower|on the bandwagon)\b",
    r"\bsuicid\w* (?:prevention|awareness|rates?|hotlines?|training|statistics|research|walk|charity)\b",
    r"\boverdose (?:crisis|panels?|deaths|rates?|statistics|figures|numbers|awareness|training|kits?|reversal|prevention|"
    r"response|epidemic|cases)\b|\boverdoses in (?:the )?(?:elderly|older|young|teens|adults|patients|community)\b|"
    r"\b(?:talk|lecture|presentation|conference|paper|course|module|seminar|class)(?:es|s)? (?:on|about) overdos\w*",
    r"\b(?:podcast|film|movie|documentary|book|novel|article|lecture|show|series|story|news|thesis|paper|"
    r"essay|class|course|video|song|report|project|module|training) (?:[\w']+ ){0,5}(?:about|on|covered|looks at) "
    r"(?:[\w']+ ){0,8}suicid\w*",
    r"\b(?:spot|notice|help|tell) (?:if |when |whether )?(?:[\w']+ ){0,2}(?:is|are|was|seems?) suicidal\b",
    r"\bdie happy\b|\b(?:want|wanted|makes? me want) to die a little\b|\bdie a little (?:inside|bit)\b",
    r"\b(?:she|he|they|nan|gran\w*|grandad|grandpa|mum|mom|dad) (?:always )?(?:said|says) (?:she|he|they) (?:wanted|wants) to "
    r"die (?:in (?:her|his|their) own bed|at home|peacefully)\b",
    r"\b(?:as prescribed|prescribed|like (?:my )?(?:gp|doctor|psychiatrist|nurse) (?:said|told me|prescribed))\b",
    r"\b(?:goodbye|farewell|leaving) (?:card|party|do|drinks|lunch|present|gift)\b",
    r"\bdying (?:to|for)\b",
    r"\bdying of (?:man ?flu|a cold|the flu|a hangover|boredom|embarrassment|hunger|thirst|the heat|laughter)\b",
    r"\b(?:won't|will not|wouldn't|would not|isn't going to|is not going to|doesn't|does not|didn't|did not|can't|cannot) "
    r"(?:actually |really )?kill (?:me|you|anyone|us)\b",
    r"\bdead (?:tired|beat|on|serious|end|quiet)\b",
    r"\bkill(?:ing)? (?:time|it)\b(?! now)",
    r"\bkill(?:ing)? (?:the|a|that) (?:lights?|engine|music|noise|mood|spider|wasp|fly|lobster|weeds?|germs|process)\b",
    r"\bi could (?:just )?die of (?:embarrassment|shame)\b",
    r"\boverdos\w* on (?:[\w']+ ){0,3}(?:podcasts?|tv|telly|netflix|chocolate|sugar|coffee|caffeine|cake|sweets|shows?|"
    r"series|news|social media|memes|music|films?|movies?|books?|reality tv)\b",
    r"\b(?:called|named|titled) [\"']?suicid\w*|\bsuicide (?:blonde|squad)\b",
    r"\b(?:was|i'm|i was) like,? (?:just )?kill me now\b",
    r"\bdisappear (?:for (?:a|the) (?:week|weekend|few days|couple of days|bit|while|month|day|night)|on (?:holiday|a trip))\b",
    r"\bcould sleep for (?:a (?:hundred|thousand|million) years|a week|days|a month)\b(?!.*\b(?:forever|for good|never wake))",
    r"\b(?:in|into) (?:a|the) (?:locked|lockable|lock) (?:box|cabinet|cupboard|drawer|safe)\b",
    r"\b(?:safe|dose|dosage) for (?:my|a|the|his|her) (?:kid|child|son|daughter|baby|toddler|dog|cat)\w*",
    r"\b(?:cut|burn(?:ed|t)?|scratch(?:ed)?) my ?self (?:shaving|cooking|chopping \w+|gardening|by accident|accidentally|"
    r"on (?:a|the|some) (?:(?:bit|piece) of )?(?:tin|can|glass|paper|knife|fence|nail|bramble|rose|thorn|oven|iron|kettle|"
    r"sheet metal|metal|band ?saw|saw|chisel|stanley knife|box cutter|wire|grinder|tile|mandoline|grater)\w*)\b",
    # Handing the means to someone else to keep is the safety plan's "make it safer" step, not
    # a preparatory act: it must not escalate the person who is doing it.
    r"\b(?:give|gave|giving|hand(?:ed|ing)?|pass(?:ed|ing)?|took|taken|bring|brought)\b.*\b" + MEANS +
    r"\b.*\b(?:to (?:keep|look after|hold|mind|lock (?:up|away))|so (?:she|he|they) can (?:keep|look after|hold|"
    r"lock)|for safe ?keeping)\b",
    r"\b(?:keeping|holding|looking after|minding|locked (?:up|away)|lock(?:ing)? (?:up|away))\b.*\b" + MEANS
    + r"\b.*\bfor me\b",
    # Cold water, ropes and harnesses as sport or work, and camping kit.
    r"\b(?:sea|wild|open[- ]water|cold[- ]water) swim\w*\b(?=.*\b(?:club|group|wetsuit|every (?:week|sunday|saturday|"
    r"morning)|feel (?:brilliant|amazing|great|alive|fantastic))\b)",
    r"\brope access\b|\bin (?:a|my|the) harness\b|\babseil\w*|\bbelay\w*",
    r"\bropes? and (?:the )?(?:tarps?|tents?|pegs|poles)\b|\b(?:tarps?|tents?|pegs) and (?:the )?ropes?\b|"
    r"\bfor the camping trip\b",
    # Medicines managed, not gathered.
    r"\bblister packs? (?:from|at|off) (?:the )?(?:chemist|pharmacy|pharmacist)\b|\bkept forgetting (?:if|whether|to take)\b",
    r"\bno point (?:in )?(?:them|it|they|those|(?:those|the|my) \w+) (?:rusting|sitting (?:around|about|there)|gathering dust|"
    r"going to waste|going off|lying (?:about|around))\b",
    # Leaving on a trip, guns kept at the club, and exposure practice in therapy.
    r"\bready to go\b(?=.*\b(?:taxi|cab|uber|airport|flight|plane|train|coach|ferry|holiday|suitcases?|passport|packed)\b)|"
    r"\b(?:taxi|cab|uber|airport|flight|plane|train|coach|ferry|holiday|suitcases?|passport|packed)\b.*\bready to go\b",
    r"\b(?:locked|kept|stored|keep|store)(?: [\w']+){0,3} at the (?:gun )?(?:club|range)\b",
    r"\bexposure (?:work|homework|practice|therapy|hierarchy|tasks?|exercises?)\b",
    # Dark thoughts denied, and a screening question answered no.
    r"\bno (?:dark|suicidal|scary) thoughts(?: or anything(?: like that)?| at all)?\b|\bnever (?:had|have) (?:any )?"
    r"(?:dark|suicidal) thoughts\b",
    r"\basked (?:me )?(?:if|whether) i (?:ever )?(?:have|had|get|think about|thought about|have had) (?:any )?thoughts? "
    r"(?:of|about) (?:harming|hurting|killing|ending) (?:my ?self|my life)\b(?=.*\b(?:i said|said|told (?:her|him|them)) "
    r"(?:no|never)\b)(?!.*\bbut\b)",
]

JOKED_AWAY = ("passive", "active")
_COMPILED = {level: [re.compile(p, re.I) for p in pats] for level, pats in PATTERNS.items()}
_IDIOMS = [re.compile(p, re.I) for p in IDIOMS]
_LEVEL_OF = [level for level, patterns in _COMPILED.items() for _ in patterns]
_PATTERNS = PatternSet([p for patterns in _COMPILED.values() for p in patterns])
_IDIOM_SET = PatternSet(_IDIOMS)


def pattern_id(level: str, pattern: str) -> str:
    """A pattern's stable id: its level and a digest of its text, so adding or moving another
    pattern never renames it, and changing this one does (the golden file shows it)."""
    return f"{level}-{hashlib.sha1(pattern.encode()).hexdigest()[:8]}"


_IDS = [pattern_id(level, p.pattern) for level, p in zip(_LEVEL_OF, _PATTERNS.patterns)]


def pattern_by_id(ref: str) -> str:
    """The regular expression behind an id in a reason ("plan-1a2b3c4d"); ValueError if none."""
    return _PATTERNS.patterns[_IDS.index(ref)].pattern


@dataclass(frozen=True)
class LexiconHit:
    level: str
    pattern: str
    id: str = ""


@dataclass(frozen=True)
class LexiconReading:
    hits: tuple[LexiconHit, ...]
    # What in the sentence says its crisis words are not the speaker's risk now: "figure_of_speech"
    # (an idiom or suicide as a topic), "denial", "harmless_frame" (work, a story, someone else),
    # "past_over", "joke". combine.py decides what each allows.
    frames: tuple[str, ...] = ()


def _lowered(text: str) -> str:
    return text.lower().replace("’", "'")


def neutralized(text: str) -> bool:
    """The sentence uses crisis words as a figure of speech or as a topic, to deny a risk, or to
    tell a past that is over."""
    lowered = _lowered(text)
    return _IDIOM_SET.any_match(lowered) or denies(lowered) or told_as_past(lowered)


def scan(text: str) -> list[LexiconHit]:
    return list(read(text).hits)


def read(text: str) -> LexiconReading:
    """The patterns that match once the sentence's harmless parts are taken out, and the frames found."""
    lowered = _lowered(text)
    frames: list[str] = []
    cleaned = lowered
    # With no idiom there nothing is blanked; with one, each runs in turn on what the last left.
    if _IDIOM_SET.any_match(cleaned):
        frames.append("figure_of_speech")
        for idiom in _IDIOMS:
            cleaned = idiom.sub(" ", cleaned)
    past = told_as_past(cleaned)
    if denies(cleaned):
        frames.append("denial")
    cleaned, applied = harmless_frames(blank_denials(cleaned))
    frames += ["someone_else" if name in ABOUT_SOMEONE_ELSE else "harmless_frame" for name in applied]
    matched = _PATTERNS.matching(cleaned)
    hits = [LexiconHit(_LEVEL_OF[i], _PATTERNS.patterns[i].pattern, _IDS[i]) for i in matched]
    # A risk long over is the screener's "past ideation, now resolved": worth a gentle question, no more.
    if past:
        frames.append("past_over")
        return LexiconReading(tuple(replace(hit, level="watch") if hit.level in AT_RISK else hit for hit in hits),
                              tuple(frames))
    # So is a wish or a thought of dying that is called a joke ("I'll kill myself, I'm kidding");
    # a method, a plan or an act is never joked away.
    if hits and all(hit.level in JOKED_AWAY or hit.level not in AT_RISK for hit in hits):
        spans = [_PATTERNS.patterns[i].search(cleaned).span() for i in matched if _LEVEL_OF[i] in JOKED_AWAY]
        # A look-ahead pattern matches no words, so where its risk ends is unknown: no joke then.
        if spans and all(start < end for start, end in spans) and joked_after(cleaned, max(end for _, end in spans)):
            frames.append("joke")
            return LexiconReading(tuple(replace(hit, level="watch") if hit.level in JOKED_AWAY else hit for hit in hits),
                                  tuple(frames))
    return LexiconReading(tuple(hits), tuple(frames))
