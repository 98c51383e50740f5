#!/usr/bin/env python3
"""Cut a subset out of a Swagger 2.0 document: the named operations plus every definition they
reach through $ref. Used once to produce specs/cloud-api.extra.json (see specs/README.md).

Usage: contract-subset.py FULL_SPEC.json "METHOD /path" [...] > subset.json
"""
import json
import sys


def refs(node, out):
    if isinstance(node, dict):
        r = node.get('$ref')
        if isinstance(r, str) and r.startswith('#/definitions/'):
            out.add(r[len('#/definitions/'):])
        for v in node.values():
            refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def main():
    full = json.load(open(sys.argv[1]))
    paths = {}
    for op in sys.argv[2:]:
        method, path = op.split(' ', 1)
        item = full['paths'][path]
        paths.setdefault(path, {})[method.lower()] = item[method.lower()]
        if 'parameters' in item:
            paths[path]['parameters'] = item['parameters']
    wanted, done = set(), set()
    refs(paths, wanted)
    while wanted - done:
        name = sorted(wanted - done)[0]
        done.add(name)
        refs(full['definitions'][name], wanted)
    out = {
        'swagger': full['swagger'],
        'basePath': full['basePath'],
        'paths': paths,
        'definitions': {k: full['definitions'][k] for k in sorted(done)},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


main()
