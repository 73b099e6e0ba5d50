"""``hipnav explain <id>``: a condition's guide, what the research says, in the terminal."""

from __future__ import annotations

import argparse
import shutil
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="what the research says about a condition (its guide)")
    p.add_argument("condition", nargs="?", help="a condition id, e.g. gluteal_tendinopathy; "
                   "leave out to list them")
    p.add_argument("--width", type=int, default=0, help="wrap at this width (default: the terminal's)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hipnav.knowledge import KnowledgeError, default, guide_render
    from hipnav.knowledge import guide as guides

    try:
        kb = default()
        all_guides = guides.default()
    except (KnowledgeError, guides.GuideError) as exc:
        print(f"hipnav explain: {exc}", file=sys.stderr)
        return 1
    if not args.condition:
        for region in guides.REGIONS:
            ids = sorted(g.id for g in all_guides.values() if g.region == region)
            if ids:
                print(f"{region}:")
                for gid in ids:
                    print(f"  {gid:<28} {all_guides[gid].title}")
        return 0
    guide = all_guides.get(args.condition)
    if guide is None:
        print(f"hipnav explain: no guide for '{args.condition}'. Valid ids: "
              + ", ".join(sorted(all_guides)), file=sys.stderr)
        return 2
    width = args.width or min(100, shutil.get_terminal_size((88, 24)).columns)
    sys.stdout.write(guide_render.render_text(guide, kb, width=max(40, width)))
    return 0
