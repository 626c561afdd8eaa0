"""The public names of a Kotlin or Swift source file, read without a compiler: good enough for
the runtime library's plain style (one declaration per line, no macros), checked by
tests/layout/test_public_names.py.

``declarations(source, lang)`` → {(kind, qualified name)}: kind is ``type`` (classes, objects,
structs, enums, protocols, typealiases; nested ones as ``Outer.Inner``), ``case`` (enum entries),
``method`` or ``property`` (members of a type as ``Type.member``; top-level ones bare; Kotlin
extension functions under their receiver, ``Bitmap.argbPixels``).  Public means: Kotlin, not
``private``/``internal``/``protected`` (Kotlin's default is public); Swift, marked ``public`` or
``open`` (members of a ``public extension`` too).  Declarations inside function bodies are not
members.
"""

from __future__ import annotations

import re
from pathlib import Path

def strip(src):
    src = re.sub(r'"""(?:.|\n)*?"""', '""', src)
    src = re.sub(r'/\*(?:.|\n)*?\*/', '', src)
    src = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', src)
    src = re.sub(r'//[^\n]*', '', src)
    return src

TOKEN = re.compile(r'[A-Za-z_]\w*|[{}()\[\]<>.,:=]|\n')
KW = {
    'kotlin': dict(types={'class', 'interface', 'object', 'typealias'}, funcs={'fun'}, props={'val', 'var'}, hidden={'private', 'internal', 'protected'}),
    'swift': dict(types={'struct', 'class', 'enum', 'protocol', 'typealias', 'actor', 'extension'}, funcs={'func', 'init', 'subscript'}, props={'var', 'let'}, hidden={'private', 'fileprivate', 'internal'}),
}

def declarations(src: str, lang: str) -> set[tuple[str, str]]:
    kw = KW[lang]
    toks = [m.group() for m in TOKEN.finditer(strip(src))]
    out = set()
    scopes = []      # dicts: kind ('type'|'block'), name, public, enum
    pending = None   # scope a coming '{' opens (at paren depth `pending['parens']`)
    header = None    # kotlin primary constructor being read: (type name, paren depth before it, public)
    header_at = None  # (token index of its '(', type name, public)
    mods: list[str] = []
    parens = 0
    def public(mods_):
        if set(mods_) & kw['hidden']:
            return False
        return lang == 'kotlin' or 'public' in mods_ or 'open' in mods_
    def in_type_body():
        return not scopes or scopes[-1]['kind'] == 'type'
    def owner_public():
        return not scopes or scopes[-1]['public']
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ''
        if t == '\n':
            if parens == 0:
                mods = [] if pending is None else mods
            i += 1
            continue
        if header_at is not None and i == header_at[0]:
            header = (header_at[1], parens, header_at[2])
            header_at = None
            mods = []
        if t == ',':  # modifiers never span a comma (constructor parameters)
            mods = []
        if t in '([':
            parens += 1
        elif t in ')]':
            parens -= 1
            if header and parens == header[1]:
                header = None
        elif t == '{':
            if pending is not None and parens == pending['parens']:
                scopes.append(pending)
            else:
                scopes.append({'kind': 'block', 'name': None, 'public': False, 'enum': False})
            pending = None
            mods = []
        elif t == '}':
            if scopes:
                scopes.pop()
            pending = None
            mods = []
        elif t == 'companion' and nxt == 'object' and lang == 'kotlin':
            o = scopes[-1] if scopes else None
            pending = {'kind': 'type', 'name': o['name'] if o else None, 'public': o['public'] if o else True,
                       'enum': False, 'parens': parens}
            i += 2
            continue
        elif t == 'fun' and nxt == 'interface' and lang == 'kotlin':
            i += 1
            continue
        elif t in kw['types'] and re.match(r'[A-Za-z_]', nxt) and in_type_body() and header is None:
            j, name = i + 1, nxt
            while j + 2 < len(toks) and toks[j + 1] == '.':
                name += '.' + toks[j + 2]
                j += 2
            if t == 'extension':
                pending = {'kind': 'type', 'name': name, 'public': 'public' in mods, 'enum': False,
                           'parens': parens, 'extension': True}
            else:
                qual = f"{scopes[-1]['name']}.{name}" if scopes else name
                vis = public(mods) and owner_public()
                if vis:
                    out.add(('type', qual))
                is_enum = 'enum' in mods or t == 'enum'
                pending = {'kind': 'type', 'name': qual, 'public': vis, 'enum': is_enum, 'parens': parens}
                if lang == 'kotlin':  # the primary constructor's parenthesis, if any
                    k = j + 1
                    if k < len(toks) and toks[k] == '<':
                        while k < len(toks) and toks[k] != '>':
                            k += 1
                        k += 1
                    if k < len(toks) and toks[k] == '(':
                        header_at = (k, qual, vis)
                    else:
                        for m in range(k, min(k + 24, len(toks))):
                            if toks[m] in ('{', '\n', '='):
                                break
                            if toks[m] == 'constructor' and m + 1 < len(toks) and toks[m + 1] == '(':
                                header_at = (m + 1, qual, vis)
                                break
            mods = []
            i = j + 1
            continue
        elif t in kw['funcs'] or t in kw['props'] or (t == 'case' and lang == 'swift'):
            if t == 'init':
                name, j = 'init', i
            else:
                j, name = i + 1, nxt
                if name == '<':  # fun <T> name
                    while j < len(toks) and toks[j] != '>':
                        j += 1
                    j += 1
                    name = toks[j] if j < len(toks) else ''
                receiver = None
                while j + 2 < len(toks) and toks[j + 1] == '.':  # fun Type.name
                    receiver = (receiver + '.' if receiver else '') + name
                    name = toks[j + 2]
                    j += 2
            if header is not None and lang == 'kotlin' and t in kw['props']:
                if public(mods) and header[2]:
                    out.add(('property', f'{header[0]}.{name}'))
            elif in_type_body() and re.match(r'[A-Za-z_]', name or ''):
                owner = scopes[-1]['name'] if scopes else None
                if t == 'case':
                    if scopes and scopes[-1]['enum'] and scopes[-1]['public']:
                        out.add(('case', f'{owner}.{name}'))
                        k = j + 1  # case a, b, c
                        while k + 1 < len(toks) and toks[k] == ',' and re.match(r'[a-z_]', toks[k + 1]):
                            out.add(('case', f'{owner}.{toks[k + 1]}'))
                            k += 2
                elif public(mods) and owner_public():
                    kind = 'method' if t in kw['funcs'] else 'property'
                    if lang == 'kotlin' and t == 'fun' and receiver is not None:
                        out.add((kind, f'{receiver}.{name}'))
                    else:
                        out.add((kind, f'{owner}.{name}' if owner else name))
            if t in kw['funcs']:
                pending = {'kind': 'block', 'name': None, 'public': False, 'enum': False, 'parens': parens}
            mods = []
            i = j + 1
            continue
        else:
            mods.append(t)
        i += 1
    if lang == 'kotlin':
        for m in re.finditer(r'^\s*((?:\w+\s+)*)enum class (\w+)[^{]*\{([^;}]*)', strip(src), re.M):
            if set(m[1].split()) & KW['kotlin']['hidden']:
                continue
            for e in re.findall(r'(?:^|,)\s*([A-Z][A-Za-z0-9_]*)', m[3]):
                out.add(('case', f'{m[2]}.{e}'))
    return out
