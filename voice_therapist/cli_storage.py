"""The storage commands: users and tokens, export, forget, consent, retention."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import Config

COMMANDS = ("user", "export", "forget", "consent", "access-log", "clinician-view", "purge")


def add_storage_commands(sub) -> None:
    user = sub.add_parser("user", help="create a user, clinician or on-call account and print its token")
    user.add_argument("action", choices=["add", "token"], help="add: a new account; token: replace a user's token")
    user.add_argument("--role", choices=["user", "clinician", "oncall"], default="user")
    user.add_argument("--name", default="", help="a clinician's or on-call person's name, shown to their clients")
    user.add_argument("--user", help="token: whose token to replace")

    export = sub.add_parser("export", help="write everything stored about a user as readable JSON")
    export.add_argument("--user", required=True)
    export.add_argument("--output", help="a file (default: stdout)")

    forget = sub.add_parser("forget", help="delete everything stored about a user, for good")
    forget.add_argument("--user", required=True)

    consent = sub.add_parser("consent", help="give or take back a clinician's read access")
    consent.add_argument("action", choices=["grant", "revoke"])
    consent.add_argument("--user", required=True)
    consent.add_argument("--clinician", required=True, help="the clinician's id")
    consent.add_argument("--scopes", default="summaries,moods,safety_plan",
                         help="comma-separated: summaries, moods, safety_plan, measures (PHQ-9 and GAD-7 scores)")

    log = sub.add_parser("access-log", help="who read a user's data, and when")
    log.add_argument("--user", required=True)

    view = sub.add_parser("clinician-view", help="what a clinician may see of a client (audited)")
    view.add_argument("--clinician", required=True)
    view.add_argument("--user", required=True)

    sub.add_parser("purge", help="apply the retention period: blank transcripts older than it")


def run_storage_command(args: argparse.Namespace, cfg: Config) -> int:
    from .storage import consent, rights
    from .storage.store import open_storage

    storage = open_storage(cfg)
    try:
        if args.command == "user":
            if args.action == "token":
                if not args.user:
                    print("voice-therapist: user token needs --user", file=sys.stderr)
                    return 2
                _print({"user_id": args.user, "token": storage.new_token(args.user)})
            else:
                user_id, token = storage.create_user(args.role, args.name)
                _print({"user_id": user_id, "role": args.role, "token": token})
        elif args.command == "export":
            text = json.dumps(rights.export_user(storage, args.user), indent=2, ensure_ascii=False)
            if args.output:
                Path(args.output).write_text(text + "\n", encoding="utf-8")
            else:
                print(text)
        elif args.command == "forget":
            rights.forget_user(storage, args.user)
            print(f"Everything stored about {args.user} is deleted, and its key destroyed.", file=sys.stderr)
        elif args.command == "consent":
            if args.action == "grant":
                consent.grant(storage, args.user, args.clinician, tuple(s for s in args.scopes.split(",") if s))
            else:
                consent.revoke(storage, args.user, args.clinician)
        elif args.command == "access-log":
            _print(consent.access_log(storage, args.user))
        elif args.command == "clinician-view":
            _print(consent.clinician_view(storage, args.clinician, args.user))
        elif args.command == "purge":
            count = storage.purge_transcripts(cfg.storage.retention_days)
            print(f"{count} transcripts past {cfg.storage.retention_days:g} days purged.", file=sys.stderr)
        return 0
    finally:
        storage.close()


def _print(value) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))
