#!/usr/bin/env python3
"""Turns request logs into request-only logs for the contract check (in place).

The simulator's real_shapes preset answers the way real Elastic Cloud does, which is not what
the swagger says (null lists, missing fields: api-facts-next section 7). Those responses are not
checked against the contract; the requests the provider sends are. `status: null` is
check-contract's way to skip a record's response check.
Usage: requests_only.py LOG.jsonl...
"""
import json
import sys

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for r in records:
        r["status"] = None
        r["response"] = None
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
