# The grader appends this file, then one call line, as the last cell of a submission. It runs in
# the student's kernel, inside the sandbox, after the student's code. It reads the task variables
# and writes them as plain JSON to a file named by a nonce the student's code could not know, so a
# notebook that redirected sys.stdout still has its answers read. Only built-in types reached
# through literals are used (a notebook can shadow or patch `type`, `print`, `json`, but not
# these); strings travel as UTF-8 hex, so nothing the notebook defines can reshape the encoding
# itself. Values are compared later, outside the kernel, by
# coursebook.classroom.exercise.checks.matches. Anything else (a NumPy scalar too) arrives as its
# type's name: check() refuses it, so must the grader.


def __coursebook_extract(names, path):
    import os as O
    import sys as S

    TYPE, FLOAT, INT, STR, LIST, TUPLE, DICT, SET, FROZENSET = (
        (0).__class__.__class__,
        (0.0).__class__,
        (0).__class__,
        "".__class__,
        [].__class__,
        ().__class__,
        {}.__class__,
        {0}.__class__,
        frozenset().__class__,
    )

    def hexed(text):
        return '{"h":"' + STR.encode(text, "utf-8", "replace").hex() + '"}'

    def unsupported(kind):
        return (
            '{"u":"'
            + STR.encode(STR(TYPE.__getattribute__(kind, "__name__")), "utf-8", "replace").hex()
            + '"}'
        )

    def enc(value, depth):
        kind = TYPE(value)
        if value is None:
            return "null"
        if value is True or value is False:
            return "true" if value is True else "false"
        if kind is INT:
            return INT.__repr__(value)
        if kind is FLOAT:
            return FLOAT.__repr__(value) if value - value == 0.0 else '{"u":"6e6f6e2d66696e697465"}'
        if kind is STR:
            return hexed(value)
        if depth < 6 and (kind is LIST or kind is TUPLE or kind is SET or kind is FROZENSET):
            items = ",".join([enc(item, depth + 1) for item in LIST(value)[:10000]])
            if kind is LIST:
                return "[" + items + "]"
            return ('{"t":[' if kind is TUPLE else '{"s":[') + items + "]}"
        if depth < 6 and kind is DICT:
            pairs = LIST(DICT.items(value))[:10000]
            entries = ["[" + enc(k, depth + 1) + "," + enc(v, depth + 1) + "]" for k, v in pairs]
            return '{"d":[' + ",".join(entries) + "]}"
        return unsupported(kind)

    space = S._getframe(0).f_globals
    found = [
        "[" + hexed(name) + "," + enc(DICT.__getitem__(space, name), 0) + "]"
        for name in names
        if DICT.__contains__(space, name)
    ]
    handle = O.open(path, O.O_WRONLY | O.O_CREAT | O.O_EXCL | O.O_NOFOLLOW, 0o600)
    O.write(handle, STR.encode("[" + ",".join(found) + "]", "utf-8"))
    O.close(handle)
