#!/usr/bin/env python3
"""Checks that every field and method the classes of SOURCE jars reference in io.netty exists on CLASSPATH.

Used by scripts/deps --links: pairing the 4.2.18 epoll .so and its two Java jars with newer Netty modules is only safe
while every call between them resolves.
Usage: netty-links.py [--ignore PACKAGE_PREFIX]... CLASSPATH SOURCE_JAR...   (exit 1 when anything is missing)
"""
import re, subprocess, sys, zipfile
args, ignore = sys.argv[1:], []
while args and args[0] == '--ignore':
    ignore.append(args[1]); args = args[2:]
cp, sources = args[0], args[1:]
def classes(jar):
    with zipfile.ZipFile(jar) as z:
        return [n[:-6].replace('/', '.') for n in z.namelist()
                if n.endswith('.class') and 'module-info' not in n and 'META-INF' not in n]
def javap(args, names):
    out = []
    for i in range(0, len(names), 400):
        out.append(subprocess.run(['javap', *args, '-cp', cp, *names[i:i+400]], capture_output=True, text=True).stdout)
    return '\n'.join(out)
refs = set()
for jar in sources:
    text = javap(['-v', '-p'], classes(jar))
    for m in re.finditer(r'= (?:Methodref|InterfaceMethodref|Fieldref)\s+\S+\s+// (io/netty/[\w/$]+)\.("?[\w<>$]+"?):(\S+)', text):
        refs.add((m.group(1).replace('/', '.'), m.group(2).strip('"'), m.group(3)))
owners = sorted({r[0] for r in refs})
members, supers = {}, {}
def load(names):
    text = javap(['-p', '-s'], names)
    cur = None
    for line in text.splitlines():
        h = re.match(r'^(?:Compiled from.*)$', line)
        if h: continue
        d = re.match(r'^(?:[\w ]*?)(?:class|interface|enum) ([\w.$]+)(?:<.*?>)?(?: extends ([\w.$<>, ?]+?))?(?: implements (.+?))? ?\{$', line)
        if d:
            cur = d.group(1); members.setdefault(cur, set())
            sup = []
            for part in (d.group(2), d.group(3)):
                if part: sup += [re.sub(r'<.*', '', x.strip()) for x in re.split(r',(?![^<]*>)', part)]
            supers[cur] = sup; continue
        if cur is None: continue
        n = re.match(r'^\s+(?:[^(]*\s)?([\w$<>.]+)(?:\(.*\))?(?: throws .*)?;$', line)
        if n: last = n.group(1); continue
        s = re.match(r'^\s+descriptor: (\S+)$', line)
        if s:
            name = last
            if name == cur: name = '<init>'
            elif name == '{}': name = '<clinit>'
            members[cur].add((name, s.group(1)))
load(owners)
missing_owner, missing = set(), []
def has(owner, name, desc, seen=()):
    if owner not in members:
        if owner.startswith('io.netty'):
            load([owner])
        if owner not in members: return not owner.startswith('io.netty')
    if (name, desc) in members[owner]: return True
    if name.startswith('<'): return False
    return any(has(s, name, desc) for s in supers.get(owner, []) if s not in seen)
for owner, name, desc in sorted(refs):
    if owner not in members and owner.startswith('io.netty'):
        load([owner])
    if any(owner.startswith(p) for p in ignore):
        continue
    if owner not in members:
        missing_owner.add(owner); continue
    if not has(owner, name, desc):
        missing.append(f'{owner}.{name}{desc}')
print(f'{len(refs)} references into io.netty checked')
for o in sorted(missing_owner): print('MISSING CLASS', o)
for m in missing: print('MISSING MEMBER', m)
sys.exit(1 if missing or missing_owner else 0)
