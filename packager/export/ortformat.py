"""Byte-reproducible ORT format files.

onnxruntime 1.2x writes the same model to different bytes on every run: the kernel type string
resolver (the table a minimal build uses to match kernels) is serialized from a hash map whose
iteration order changes between processes (absl hashing is seeded per process), so its entries
land at different places in the flatbuffer.  Their content, and the sorted order of the vector
pointing at them, are the same.

``canonical`` rebuilds that part of the file in a fixed order.  ORT serializes, back to front,
the version string and the ``Model`` subtree first (they sit at the end of the buffer), then the
resolver, then the root ``InferenceSession`` table; the Model block is copied byte for byte to the
end of the new buffer (flatbuffer offsets are relative, and alignment is measured from the end,
so the block stays valid; the block starts at the Model table's vtable, written just before it), and the resolver and root table are written anew.
"""

from __future__ import annotations

import flatbuffers

from packager.errors import PackagerError

FILE_IDENTIFIER = b"ORTM"


def _fbs():
    from onnxruntime.tools.ort_format_model.ort_flatbuffers_py import fbs

    return fbs


def resolver_entries(buf: bytes) -> list[tuple[bytes, list[tuple[bytes, list[tuple[int, int]]]]]]:
    """The kernel type string resolver as plain data: [(op_id, [(type_str, [(arg_type, index)])])],
    in the stored (key-sorted) order."""
    fbs = _fbs()
    sess = fbs.InferenceSession.InferenceSession.GetRootAs(buf, 0)
    ktsr = sess.KernelTypeStrResolver()
    out = []
    for i in range(ktsr.OpKernelTypeStrArgsLength() if ktsr else 0):
        op = ktsr.OpKernelTypeStrArgs(i)
        strs = []
        for j in range(op.KernelTypeStrArgsLength()):
            ks = op.KernelTypeStrArgs(j)
            args = [(ks.Args(k).ArgType(), ks.Args(k).Index()) for k in range(ks.ArgsLength())]
            strs.append((ks.KernelTypeStr(), args))
        out.append((op.OpId(), strs))
    return out


def _resolver_positions(sess) -> list[int]:
    ktsr = sess.KernelTypeStrResolver()
    if ktsr is None:
        return []
    pos = [ktsr._tab.Pos]
    for i in range(ktsr.OpKernelTypeStrArgsLength()):
        op = ktsr.OpKernelTypeStrArgs(i)
        pos.append(op._tab.Pos)
        for j in range(op.KernelTypeStrArgsLength()):
            pos.append(op.KernelTypeStrArgs(j)._tab.Pos)
    return pos


def _model_block(buf: bytes) -> tuple[int, int, int]:
    """(start of the Model block, position of the Model table, position of the version string)."""
    fbs = _fbs()
    sess = fbs.InferenceSession.InferenceSession.GetRootAs(buf, 0)
    if not fbs.InferenceSession.InferenceSession.InferenceSessionBufferHasIdentifier(buf, 0):
        raise PackagerError("not an ORT format file (no ORTM identifier)")
    model = sess.Model()
    if model is None:
        raise PackagerError("ORT format file without a model")
    tab = sess._tab
    version_field = tab.Offset(4)
    version_pos = tab.Indirect(tab.Pos + version_field) if version_field else len(buf)
    # A table's vtable is written just before it (lower address), so the block starts at the
    # Model table's vtable, unless that vtable was shared with an earlier (later-placed) table.
    vtable_pos = model._tab.Pos - flatbuffers.encode.Get(flatbuffers.packer.soffset, buf, model._tab.Pos)
    start = min(model._tab.Pos, vtable_pos, version_pos)
    if any(p >= start for p in _resolver_positions(sess)):
        # An onnxruntime that lays the file out differently: better to fail than to ship a
        # file whose bytes depend on the process.
        raise PackagerError("unexpected ORT format layout (resolver after the model); cannot make it reproducible")
    return start, model._tab.Pos, version_pos


def _write_resolver(b: flatbuffers.Builder, entries) -> int:
    ops = []
    for op_id, strs in entries:
        str_offsets = []
        for type_str, args in strs:
            arg_offsets = [_table(b, "ArgTypeAndIndex", ArgType=arg_type, Index=index) for arg_type, index in args]
            args_vec = _offset_vector(b, arg_offsets)
            name = b.CreateString(type_str)
            str_offsets.append(_table(b, "KernelTypeStrArgsEntry", KernelTypeStr=name, Args=args_vec))
        strs_vec = _offset_vector(b, str_offsets)
        op_name = b.CreateString(op_id)
        ops.append(_table(b, "OpIdKernelTypeStrArgsEntry", OpId=op_name, KernelTypeStrArgs=strs_vec))
    return _table(b, "KernelTypeStrResolver", OpKernelTypeStrArgs=_offset_vector(b, ops))


def _table(b: flatbuffers.Builder, kind: str, **fields: int) -> int:
    """One table of the generated flatbuffers class ``kind`` (its strings and vectors already in
    ``b``): ``<kind>Start``, ``<kind>Add<Field>`` per field in the order given, ``<kind>End``."""
    module = getattr(_fbs(), kind)
    getattr(module, f"{kind}Start")(b)
    for field, value in fields.items():
        getattr(module, f"{kind}Add{field}")(b, value)
    return getattr(module, f"{kind}End")(b)


def _offset_vector(b: flatbuffers.Builder, offsets: list[int]) -> int:
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def canonical(buf: bytes) -> bytes:
    """The same ORT format model, serialized in a fixed order (same content, same runtime
    behaviour; see the module docstring)."""
    fbs = _fbs()
    start, model_pos, version_pos = _model_block(buf)
    has_version = version_pos < len(buf)
    entries = resolver_entries(buf)
    block = buf[start:]
    b = flatbuffers.Builder(len(buf) + 4096)
    # Place the block at the very end, unpadded: its offsets from the end, which carry its
    # alignment, stay what they were.
    b.Prep(1, len(block))
    b.head -= len(block)
    b.Bytes[b.head: b.head + len(block)] = block
    b.minalign = max(b.minalign, 8)
    model_off = len(buf) - model_pos
    version_off = len(buf) - version_pos
    ktsr = _write_resolver(b, entries)
    fbs.InferenceSession.InferenceSessionStart(b)
    if has_version:
        fbs.InferenceSession.InferenceSessionAddOrtVersion(b, version_off)
    fbs.InferenceSession.InferenceSessionAddModel(b, model_off)
    fbs.InferenceSession.InferenceSessionAddKernelTypeStrResolver(b, ktsr)
    root = fbs.InferenceSession.InferenceSessionEnd(b)
    b.Finish(root, file_identifier=FILE_IDENTIFIER)
    out = bytes(b.Output())
    if resolver_entries(out) != entries or out[len(out) - len(block):] != block:
        raise PackagerError("rewriting the ORT format file changed its content; this is a packager bug")
    return out
