"""Suspect sets for set-level inference on the CLIP and diffusion demos, drawn from the records each demo already has
(no new images): for each kit, one manifest whose `suspect` records are members of the target's training set and
one whose `suspect` records are non-members, each with the same `nonmember-reference` records (non-members from the
same distribution, none of them a suspect).

  clip/       suspects from the audit records (member 1 / member 0), references from the nonmember-reference records
  diffusion/  suspects from the audit members / non-members, references from the remaining audit non-members

The draws are seeded (random.Random), so rerunning writes the same files. Run from the repository root:
  /usr/bin/python3 tools/demo-kit/suspect_sets.py
It writes resources/demo/{clip,diffusion}/manifest-suspects-{members,nonmembers}.csv (seconds).
"""
import csv
import os
import random

DEMO = os.path.join('resources', 'demo')
SUSPECTS = 30
REFERENCES = 100
HEADER = ['id', 'path', 'label', 'caption', 'member', 'role']


def read(kit):
    with open(os.path.join(DEMO, kit, 'manifest.csv'), newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def write(kit, name, suspects, references):
    rows = [dict(r, role='suspect') for r in suspects] + [dict(r, role='nonmember-reference') for r in references]
    with open(os.path.join(DEMO, kit, name), 'w', newline='', encoding='utf-8') as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, lineterminator='\n')
        writer.writeheader()
        writer.writerows({k: r[k] for k in HEADER} for r in rows)


def make(kit, members, nonmembers, reference_pool, seed):
    rng = random.Random(seed)
    member_suspects = rng.sample(members, SUSPECTS)
    nonmember_suspects = rng.sample(nonmembers, SUSPECTS)
    chosen = {r['id'] for r in nonmember_suspects}
    references = rng.sample([r for r in reference_pool if r['id'] not in chosen], REFERENCES)
    write(kit, 'manifest-suspects-members.csv', member_suspects, references)
    write(kit, 'manifest-suspects-nonmembers.csv', nonmember_suspects, references)


def main():
    clip = read('clip')
    audit = [r for r in clip if r['role'] == 'audit']
    make(
        'clip',
        [r for r in audit if r['member'] == '1'],
        [r for r in audit if r['member'] == '0'],
        [r for r in clip if r['role'] == 'nonmember-reference'],
        seed=2101,
    )
    diffusion = read('diffusion')
    nonmembers = [r for r in diffusion if r['member'] == '0']
    make('diffusion', [r for r in diffusion if r['member'] == '1'], nonmembers, nonmembers, seed=2102)


if __name__ == '__main__':
    main()
