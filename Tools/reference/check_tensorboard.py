"""Check that TensorBoard itself reads the event files s2s writes (a manual check; CI never runs it).

Reads every `events.out.tfevents.*` file in a directory twice: first record by record with
TensorBoard's TFRecord reader, which raises on a bad length or data CRC (EventAccumulator would
silently stop at the first bad record), then with
`tensorboard.backend.event_processing.event_accumulator.EventAccumulator`. Prints every scalar and
compares them with the sample written by `TensorBoardSampleTests` (Tests/S2STrainingTests), which
writes it on every `swift test` and keeps it where S2S_TENSORBOARD_SAMPLE_DIR says.

    .venv/bin/pip install tensorboard   # into the .venv of Tools/reference/setup.sh
    S2S_TENSORBOARD_SAMPLE_DIR=tb-sample swift test --filter TensorBoardSample
    .venv/bin/python Tools/reference/check_tensorboard.py tb-sample

Exit status 0 when everything matches, 1 otherwise.
"""
import glob
import os
import sys

import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.tensorflow_stub import pywrap_tensorflow, errors

# What TensorBoardSampleTests.sampleReadsBack writes (its `expected`, which it also reads back):
# tag -> [(step, value)].
EXPECTED = {
    "train/loss": [(s, 5 / s) for s in range(1, 6)],
    "train/lr": [(s, 0.001 * s) for s in range(1, 6)],
    "valid/ppl": [(5, 12.75)],
    "valid/ünïcode": [(1 << 33, -1.5)],
}


def read_records_strictly(path):
    """Every record's Event, raising DataLossError on a CRC mismatch."""
    reader = pywrap_tensorflow.PyRecordReader_New(path.encode(), 0, b"", None)
    events = []
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            return events
        event = event_pb2.Event()
        event.ParseFromString(reader.record())
        events.append(event)


def main(directory):
    files = sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*")))
    if not files:
        print(f"no event files in {directory}")
        return 1
    ok = True
    for path in files:
        events = read_records_strictly(path)
        print(f"{os.path.basename(path)}: {len(events)} records, all CRCs valid")
        print(f"  first event: wall_time={events[0].wall_time:.3f} file_version={events[0].file_version!r}")
        ok &= events[0].file_version == "brain.Event:2"

    accumulator = EventAccumulator(directory)
    accumulator.Reload()
    tags = accumulator.Tags()["scalars"]
    print(f"EventAccumulator scalar tags: {sorted(tags)}")
    for tag in sorted(tags):
        scalars = [(e.step, e.value) for e in accumulator.Scalars(tag)]
        print(f"  {tag}: " + ", ".join(f"step {s} = {v:.6g}" for s, v in scalars))
        expected = EXPECTED.get(tag)
        if expected is None:
            continue
        # Float32 on both sides; the Swift test computes in Float32, so allow an ulp or two.
        same = len(scalars) == len(expected) and all(
            s == ws and np.isclose(v, np.float32(wv), rtol=1e-6, atol=0)
            for (s, v), (ws, wv) in zip(scalars, expected))
        if not same:
            want = [(s, float(np.float32(v))) for s, v in expected]
            print(f"  MISMATCH for {tag}: expected {want}")
            ok = False
    missing = set(EXPECTED) - set(tags)
    if missing:
        print(f"MISSING tags: {sorted(missing)}")
        ok = False
    print("OK: TensorBoard reads the s2s event file as written" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
