#!/usr/bin/env python3
"""Read neuromorphic.trace files without .NET: Python 3 standard library only (struct, zlib).

    python3 tools/trace_reader.py TRACE                 # header and record counts
    python3 tools/trace_reader.py TRACE --csv DIR       # spikes.csv, messages.csv, perf.csv, inferences.csv (+ probes.csv)
                                                        # (the same bytes as `neuro trace export TRACE --out DIR`;
                                                        # streamed block by block, so any size of trace fits in memory)
    python3 tools/trace_reader.py TRACE --no-verify ... # skip the CRC-32C checks (faster on large traces)

As a library:

    from trace_reader import read_trace, tables, export_csv
    trace = read_trace("run.trace")          # header dict, records per kind, end block (all in memory)
    for name, columns, rows in tables(trace): # the CSV export's tables: rows are tuples of str
        ...
    export_csv("big.trace", "out")           # the same tables written to files, streaming
    # pandas: pd.DataFrame(rows, columns=columns), or pd.read_csv on the --csv output

The format is specified in traces/README.md. This reader knows neuromorphic.trace/3 (minor 1: probes) and refuses
any other major version with a message naming both. Blocks compressed with DEFLATE are read with
zlib; Brotli blocks (`neuro run --trace-compression brotli`) are reported as unsupported, since
the standard library has no Brotli decoder: re-record with deflate or none.
"""

import collections
import json
import os
import struct
import sys
import zlib
from decimal import Decimal

MAGIC = b"\x89NMTR\r\n\x1a"
MAJOR = 3
SCHEMA = "neuromorphic.trace/3"
BLOCK_MARKER = 0x4B4C424E
END_KIND = 0xFF

# Record layouts (little-endian, packed), by block kind.
KINDS = {
    1: ("input_events", "<qiiiii", ("time_ps", "inference", "step", "input", "value", "core")),
    2: ("spikes", "<qiiii", ("time_ps", "inference", "step", "neuron", "core")),
    3: ("messages", "<qqqqqqiiiiiiHHHHiii",
        ("sent_ps", "received_ps", "processed_ps", "generation_delay_ps", "network_delay_ps", "blocking_ps",
         "inference", "step", "source_neuron", "source_core", "destination_core", "synapses",
         "hops_east", "hops_west", "hops_north", "hops_south",
         "accessed_before", "updated_before", "fired_before")),
    4: ("core_steps", "<qqqqqqqiiiqiiiiiiiiii",
        ("step_start_ps", "step_end_ps", "busy_ps", "synapse_fj", "neuron_fj", "network_fj", "static_fj",
         "inference", "step", "core",
         "synaptic_ops", "neurons_accessed", "neurons_updated", "neurons_fired", "input_spikes",
         "messages_out", "messages_in", "hops_east", "hops_west", "hops_north", "hops_south")),
    5: ("summaries", "<qqqqqqqqqqqqiiiiii",
        ("first_input_ps", "decision_ps", "end_ps", "synapse_fj", "neuron_fj", "network_fj", "static_fj", "total_fj",
         "spikes", "synaptic_ops", "messages", "hops",
         "inference", "sample_index", "label", "predicted", "steps", "flags")),
    6: ("probes", "<iiiiddd", ("inference", "step", "neuron", "core", "u", "v", "threshold")),  # minor version 1
}


class TraceError(Exception):
    """A trace that cannot be read: the message names the file, the place and the reason."""


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli), as the trace format specifies; crc32c(b"123456789") == 0xE3069283."""
    c = 0xFFFFFFFF
    table = _CRC_TABLE
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def _strings(payload, offset, count):
    values = []
    for _ in range(count):
        (n,) = struct.unpack_from("<I", payload, offset)
        offset += 4
        values.append(payload[offset:offset + n].decode("utf-8"))
        offset += n
    return values, offset


def _open(path, verify):
    """The file's bytes, its header dict and the position of its first block."""
    with open(path, "rb") as f:
        data = f.read()
    where = os.path.basename(path)
    if len(data) < 16 or data[:8] != MAGIC:
        raise TraceError(f"{where}: not a neuromorphic trace (it does not start with 89 4E 4D 54 52 0D 0A 1A)")
    major, minor, length = struct.unpack_from("<HHI", data, 8)
    if major != MAJOR:
        raise TraceError(f"{where}: format version {major}.{minor} (neuromorphic.trace/{major}); "
                         f"this reader knows neuromorphic.trace/{MAJOR} only: use the trace_reader.py of the neuro that wrote it")
    if 16 + length + 4 > len(data):
        raise TraceError(f"{where}: header of {length} bytes runs past the end of the file")
    if verify:
        (stored,) = struct.unpack_from("<I", data, 16 + length)
        if stored != crc32c(data[:16 + length]):
            raise TraceError(f"{where}: header checksum mismatch")
    payload = data[16:16 + length]
    (schema, tool, chip, network, mapping), offset = _strings(payload, 0, 5)
    if schema != SCHEMA:
        raise TraceError(f"{where}: header schema is {schema!r}, expected {SCHEMA!r}")
    seed, mode, level, started = struct.unpack_from("<QBBq", payload, offset)
    offset += 18
    (cost_table, metadata), offset = _strings(payload, offset, 2)
    header = {
        "schema": schema, "version": f"{major}.{minor}", "tool_version": tool, "chip_hash": chip,
        "network_hash": network, "mapping_hash": mapping, "seed": seed,
        "mode": ("barrier", "async")[mode], "level": ("summary", "counters", "spikes", "messages")[level],
        "started_at_ms": started, "cost_table": cost_table, "metadata": metadata,
    }
    return data, header, 16 + length + 4


def _blocks(data, position, where, verify, kinds=None):
    """Yields (kind name, [record dicts]) for each data block in file order, then ("end", end dict) if the end block is there.

    kinds: names of the record kinds to decode (others are checked and skipped), or None for all."""
    index = 0
    while position < len(data):
        if position + 36 > len(data):
            raise TraceError(f"{where}: block {index} at byte {position}: truncated block header")
        (marker, block_index, kind, encoding, record_size, count, stored_length, first, last, payload_crc,
         header_crc) = struct.unpack_from("<IIBBHIIiiII", data, position)
        place = f"{where}: block {index} at byte {position}"
        if marker != BLOCK_MARKER:
            raise TraceError(f"{place}: no block marker")
        if verify and header_crc != crc32c(data[position:position + 32]):
            raise TraceError(f"{place}: block header checksum mismatch")
        if block_index != index:
            raise TraceError(f"{place}: index {block_index}, expected {index}")
        start = position + 36
        stored = data[start:start + stored_length]
        if len(stored) != stored_length:
            raise TraceError(f"{place}: payload truncated")
        if verify and payload_crc != crc32c(stored):
            raise TraceError(f"{place}: payload checksum mismatch")
        position = start + stored_length
        index += 1
        if kind == END_KIND:
            block_count, status = struct.unpack_from("<IB", stored, 0)
            totals = struct.unpack_from("<5q", stored, 8)
            (own_offset,) = struct.unpack_from("<q", stored, 48)
            yield "end", {"blocks": block_count, "status": ("completed", "interrupted")[status], "records": totals, "offset": own_offset}
            return
        if kind not in KINDS:
            _decode(stored, encoding, record_size, count, place)
            continue  # a block kind of a later minor version: checked, skipped
        name, layout, fields = KINDS[kind]
        if kinds is not None and name not in kinds:
            continue
        raw = _decode(stored, encoding, record_size, count, place)
        if struct.calcsize(layout) != record_size:
            raise TraceError(f"{place}: {name} records of {record_size} bytes, expected {struct.calcsize(layout)}")
        yield name, [dict(zip(fields, r)) for r in struct.iter_unpack(layout, raw)]


def read_trace(path, verify=True):
    """Reads a whole trace: {'header': {...}, 'records': {kind name: [record dicts]}, 'blocks': [(kind name, first, end)], 'end': {...}}.

    'blocks' lists the data blocks in file order as ranges of their kind's records (the export interleaves
    input spikes with neuron spikes in that order). For large traces prefer export_csv, which streams."""
    data, header, position = _open(path, verify)
    records = {name: [] for name, _, _ in KINDS.values()}
    blocks = []
    end = None
    for name, value in _blocks(data, position, os.path.basename(path), verify):
        if name == "end":
            end = value
            break
        begin = len(records[name])
        records[name].extend(value)
        blocks.append((name, begin, len(records[name])))
    return {"header": header, "records": records, "blocks": blocks, "end": end}


def _decode(stored, encoding, record_size, count, place):
    compressor = encoding & 0x0F
    expected = record_size * count
    if compressor == 0:
        raw = stored
    elif compressor == 1:
        raw = zlib.decompress(stored, -15)  # raw DEFLATE, no zlib header
    elif compressor == 2:
        raise TraceError(f"{place}: Brotli-compressed block: the Python standard library has no Brotli decoder; "
                         f"record the trace with --trace-compression deflate (the default) or none")
    else:
        raise TraceError(f"{place}: unknown encoding 0x{encoding:02x}")
    if len(raw) != expected:
        raise TraceError(f"{place}: decodes to {len(raw)} bytes, expected {expected}")
    if encoding & 0x10:
        if compressor == 0:
            raise TraceError(f"{place}: byte-shuffled raw block is not valid")
        out = bytearray(expected)
        for j in range(record_size):
            out[j::record_size] = raw[j * count:(j + 1) * count]
        raw = bytes(out)
    return raw


def net_double(value):
    """A double as .NET's ToString("R") writes it: shortest round-trip digits, E±XX below 1e-5 or from 1e15."""
    text = repr(value)  # shortest round-trip digits too; only the layout differs
    if "e" in text:
        return text.replace("e", "E")  # Python's scientific range (|e| ≥ 16 or ≤ −5) lies within .NET's
    if abs(value) < 1e15:
        return text[:-2] if text.endswith(".0") else text
    return _net_double_slow(value)


def _net_double_slow(value):
    d = Decimal(repr(value)).normalize()
    sign, digits, exponent = d.as_tuple()
    e10 = exponent + len(digits) - 1
    text = "".join(map(str, digits))
    if -5 < e10 < 15:
        body = format(d.copy_abs(), "f")
    else:
        body = text[0] + ("." + text[1:] if len(text) > 1 else "") + "E" + ("-" if e10 < 0 else "+") + f"{abs(e10):02d}"
    return ("-" if sign else "") + body


def _names(metadata_json):
    try:
        metadata = json.loads(metadata_json)
    except ValueError:
        metadata = {}
    populations = []
    start = 0
    for p in metadata.get("populations") or []:
        if not isinstance(p, dict) or not isinstance(p.get("name"), str) or not isinstance(p.get("size"), int) or p["size"] < 0:
            populations = []
            break
        populations.append((p["name"], start, p["size"]))
        start += p["size"]
    mesh = metadata.get("mesh") if isinstance(metadata.get("mesh"), dict) else None
    cores_per_tile = None
    if mesh and all(isinstance(mesh.get(k), int) and mesh[k] > 0 for k in ("width", "height", "coresPerTile")):
        cores_per_tile = mesh["coresPerTile"]

    def neuron(index):
        for name, first, size in populations:
            if first <= index < first + size:
                return f"{name}.{index - first}"
        return str(index)

    def core(index):
        return f"{index // cores_per_tile}.{index % cores_per_tile}" if cores_per_tile else str(index)

    input_population = metadata.get("inputPopulation") if isinstance(metadata.get("inputPopulation"), str) else None
    input_range = next(((first, size) for name, first, size in populations if name == input_population), None)

    def input_name(index):
        """An input spike's name: population.index when the input population is known, in.index otherwise."""
        if input_range is not None and 0 <= index < input_range[1]:
            return neuron(input_range[0] + index)
        return f"in.{index}"

    return neuron, core, input_name


SPIKE_COLUMNS = ["neuron", "timestep", "inference", "step", "time_ps", "core"]
MESSAGE_COLUMNS = [
    "timestep", "mid", "src_neuron", "src_hw", "dest_hw", "hops", "spikes", "send_timestamp", "received_timestamp",
    "processed_timestamp", "generation_delay", "processing_delay", "network_delay", "blocking_delay",
    "inference", "step", "src_core", "dest_core", "hops_east", "hops_west", "hops_north", "hops_south",
    "sent_ps", "received_ps", "processed_ps", "generation_delay_ps", "network_delay_ps", "blocking_ps"]
PERF_COLUMNS = [
    "timestep", "fired", "updated", "packets", "hops", "spikes", "sim_time", "synapse_energy", "dendrite_energy",
    "soma_energy", "network_energy", "total_energy",
    "inference", "step", "step_start_ps", "step_end_ps", "neurons_accessed", "messages_in", "busy_ps",
    "synapse_fj", "neuron_fj", "network_fj", "static_fj"]
PROBE_COLUMNS = ["neuron", "timestep", "inference", "step", "core", "u", "v", "threshold"]
INFERENCE_COLUMNS = [
    "inference", "sample_index", "label", "predicted", "correct", "steps", "early_exit", "latency_ps", "first_input_ps",
    "decision_ps", "end_ps", "synapse_fj", "neuron_fj", "network_fj", "static_fj", "total_fj", "spikes",
    "synaptic_ops", "messages", "hops"]

PS = 1e12
FJ = 1e15
LEVELS = ("summary", "counters", "spikes", "messages")


def _offsets(blocks):
    """The timestep offset of every inference (the steps of the inferences before it), from summaries and core steps."""
    steps = {}
    for name, records in blocks:
        if name == "summaries":
            for r in records:
                steps[r["inference"]] = max(r["steps"], steps.get(r["inference"], 0))
        elif name == "core_steps":
            for r in records:
                steps[r["inference"]] = max(r["step"], steps.get(r["inference"], 0))
    offsets, offset = {}, 0
    for inference in sorted(steps):
        offsets[inference] = offset
        offset += steps[inference]
    return offsets


def _table_names(header):
    level = LEVELS.index(header["level"])
    names = []
    if level >= 2:
        names.append(("spikes.csv", SPIKE_COLUMNS))
    if level >= 3:
        names.append(("messages.csv", MESSAGE_COLUMNS))
    if level >= 1:
        names.append(("perf.csv", PERF_COLUMNS))
    names.append(("inferences.csv", INFERENCE_COLUMNS))
    return names


def _export(header, blocks, offsets, emit):
    """One pass over the blocks in file order, calling emit(file name, row of str) as `neuro trace export` writes:
    neuron spikes in file order, each input spike (queued in file order) before the first neuron spike of a later or
    equal (inference, step) that follows it in the file, the rest at the end; messages numbered in file order; perf
    summed over cores per (inference, step), steps in order, an inference's rows when the next begins."""
    neuron, core, input_name = _names(header["metadata"])
    tables = {name for name, _ in _table_names(header)}
    s = str
    pending = collections.deque()
    perf = {}
    current = [None]
    mid = 0

    def spike_row(name, r):
        return (name, s(offsets.get(r["inference"], 0) + r["step"]), s(r["inference"]), s(r["step"]), s(r["time_ps"]), s(r["core"]))

    def inputs_up_to(inference, step):
        while pending:
            e = pending[0]
            if not (e["inference"] < inference or (e["inference"] == inference and e["step"] <= step)):
                break
            pending.popleft()
            emit("spikes.csv", spike_row(input_name(e["input"]), e))

    def flush_perf():
        offset = offsets.get(current[0], 0)
        for step in sorted(perf):
            r = perf[step]
            emit("perf.csv", (
                s(offset + step), s(r["neurons_fired"]), s(r["neurons_updated"]), s(r["messages_out"]), s(r["hops"]),
                s(r["synaptic_ops"]), net_double((r["end"] - r["start"]) / PS), net_double(r["synapse_fj"] / FJ), net_double(0 / FJ),
                net_double(r["neuron_fj"] / FJ), net_double(r["network_fj"] / FJ),
                net_double((r["synapse_fj"] + r["neuron_fj"] + r["network_fj"]) / FJ),
                s(current[0]), s(step), s(r["start"]), s(r["end"]), s(r["neurons_accessed"]), s(r["messages_in"]), s(r["busy_ps"]),
                s(r["synapse_fj"]), s(r["neuron_fj"]), s(r["network_fj"]), s(r["static_fj"])))
        perf.clear()

    sums = ("neurons_accessed", "messages_out", "messages_in", "synaptic_ops", "busy_ps", "synapse_fj", "neuron_fj", "network_fj", "static_fj")
    for name, records in blocks:
        if name == "input_events" and "spikes.csv" in tables:
            pending.extend(records)
        elif name == "spikes" and "spikes.csv" in tables:
            for r in records:
                inputs_up_to(r["inference"], r["step"])
                emit("spikes.csv", spike_row(neuron(r["neuron"]), r))
        elif name == "messages" and "messages.csv" in tables:
            for m in records:
                hops = m["hops_east"] + m["hops_west"] + m["hops_north"] + m["hops_south"]
                emit("messages.csv", (
                    s(offsets.get(m["inference"], 0) + m["step"]), s(mid), neuron(m["source_neuron"]), core(m["source_core"]),
                    core(m["destination_core"]), s(hops), s(m["synapses"]),
                    net_double(m["sent_ps"] / PS), net_double(m["received_ps"] / PS), net_double(m["processed_ps"] / PS),
                    net_double(m["generation_delay_ps"] / PS), net_double((m["processed_ps"] - m["received_ps"]) / PS),
                    net_double(m["network_delay_ps"] / PS), net_double(m["blocking_ps"] / PS),
                    s(m["inference"]), s(m["step"]), s(m["source_core"]), s(m["destination_core"]),
                    s(m["hops_east"]), s(m["hops_west"]), s(m["hops_north"]), s(m["hops_south"]),
                    s(m["sent_ps"]), s(m["received_ps"]), s(m["processed_ps"]), s(m["generation_delay_ps"]),
                    s(m["network_delay_ps"]), s(m["blocking_ps"])))
                mid += 1
        elif name == "core_steps" and "perf.csv" in tables:
            for c in records:
                if c["inference"] != current[0]:
                    flush_perf()
                    current[0] = c["inference"]
                r = perf.get(c["step"])
                if r is None:
                    r = dict.fromkeys(sums + ("neurons_fired", "neurons_updated", "hops"), 0)
                    r["start"], r["end"] = c["step_start_ps"], c["step_end_ps"]
                    perf[c["step"]] = r
                for f in sums:
                    r[f] += c[f]
                # SANA-FE counts a firing input neuron as fired and updated.
                r["neurons_fired"] += c["neurons_fired"] + c["input_spikes"]
                r["neurons_updated"] += c["neurons_updated"] + c["input_spikes"]
                r["hops"] += c["hops_east"] + c["hops_west"] + c["hops_north"] + c["hops_south"]
                r["start"] = min(r["start"], c["step_start_ps"])
                r["end"] = max(r["end"], c["step_end_ps"])
        elif name == "probes":
            for r in records:
                emit("probes.csv", (neuron(r["neuron"]), s(offsets.get(r["inference"], 0) + r["step"]), s(r["inference"]), s(r["step"]),
                                    s(r["core"]), net_double(r["u"]), net_double(r["v"]), net_double(r["threshold"])))
        elif name == "summaries":
            for r in records:
                emit("inferences.csv", tuple(s(v) for v in (
                    r["inference"], r["sample_index"], r["label"], r["predicted"], int(r["label"] >= 0 and r["predicted"] == r["label"]),
                    r["steps"], r["flags"] & 1, r["decision_ps"] - r["first_input_ps"], r["first_input_ps"], r["decision_ps"], r["end_ps"],
                    r["synapse_fj"], r["neuron_fj"], r["network_fj"], r["static_fj"], r["total_fj"], r["spikes"], r["synaptic_ops"],
                    r["messages"], r["hops"])))
    if "spikes.csv" in tables:
        inputs_up_to(float("inf"), float("inf"))
    if "perf.csv" in tables:
        flush_perf()


def _trace_blocks(trace):
    for name, begin, end in trace["blocks"]:
        yield name, trace["records"][name][begin:end]


def tables(trace):
    """The tables of `neuro trace export` (all inferences) from read_trace's result: [(file name, columns, rows of str)]."""
    header = trace["header"]
    names = _table_names(header)
    rows = {name: [] for name, _ in names + [("probes.csv", PROBE_COLUMNS)]}
    _export(header, _trace_blocks(trace), _offsets(_trace_blocks(trace)), lambda name, row: rows[name].append(row))
    if rows["probes.csv"]:
        names.append(("probes.csv", PROBE_COLUMNS))  # only for runs that probed neurons, as the export
    return [(name, columns, rows[name]) for name, columns in names]


def export_csv(path, directory, verify=True):
    """Writes the CSV export's tables of the trace at path into directory, streaming block by block (memory does not
    grow with the trace): UTF-8, '\\n' line endings, no quoting, the same bytes as `neuro trace export`. Returns
    [(file name, rows)]."""
    data, header, position = _open(path, verify)
    where = os.path.basename(path)
    offsets = _offsets(_blocks(data, position, where, verify, kinds={"summaries", "core_steps"}))
    os.makedirs(directory, exist_ok=True)
    names = _table_names(header)
    files, counts = {}, {}

    def create(name, columns):
        files[name] = open(os.path.join(directory, name + ".partial"), "w", encoding="utf-8", newline="\n")
        files[name].write(",".join(columns) + "\n")
        counts[name] = 0

    try:
        for name, columns in names:
            create(name, columns)

        def emit(name, row):
            if name not in files:
                create(name, PROBE_COLUMNS)  # probes.csv: only for runs that probed neurons, as the export
                names.append((name, PROBE_COLUMNS))
            files[name].write(",".join(row) + "\n")
            counts[name] += 1

        _export(header, (b for b in _blocks(data, position, where, verify) if b[0] != "end"), offsets, emit)
    except BaseException:
        for name, f in files.items():
            f.close()
            os.remove(os.path.join(directory, name + ".partial"))
        raise
    for f in files.values():
        f.close()
    for name, _ in names:
        os.replace(os.path.join(directory, name + ".partial"), os.path.join(directory, name))
    return [(name, counts[name]) for name, _ in names]


def write_csv(trace, directory):
    """Writes read_trace's tables as the CSV export does (for a trace already in memory; export_csv streams from a file)."""
    os.makedirs(directory, exist_ok=True)
    written = []
    for name, columns, rows in tables(trace):
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(",".join(columns) + "\n")
            for row in rows:
                f.write(",".join(row) + "\n")
        written.append((name, len(rows)))
    return written


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    verify = "--no-verify" not in argv
    if not args or "-h" in argv or "--help" in argv:
        print(__doc__.strip())
        return 0 if args or "-h" in argv or "--help" in argv else 2
    try:
        if "--csv" in argv:
            if len(args) < 2:
                print("trace_reader: --csv needs a directory", file=sys.stderr)
                return 2
            for name, count in export_csv(args[0], args[1], verify=verify):
                print(f"{name}\t{count} rows")
            return 0
        data, h, position = _open(args[0], verify)
        counts = {name: 0 for name, _, _ in KINDS.values()}
        end = None
        for name, value in _blocks(data, position, os.path.basename(args[0]), verify):
            if name == "end":
                end = value
            else:
                counts[name] += len(value)
    except (TraceError, OSError) as e:
        print(f"trace_reader: {e}", file=sys.stderr)
        return 2
    print(f"{h['schema']} (version {h['version']}), level {h['level']}, mode {h['mode']}, tool {h['tool_version']}")
    for name, count in counts.items():
        print(f"{name}\t{count} records")
    print("end:", end["status"] if end else "missing (unfinished trace)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
