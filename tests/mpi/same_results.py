"""Exit 0 when two incubsim results files hold the same results outside /provenance (every dataset
and root attribute equal), else print the first differences and exit 1. Used by the MPI test."""

import sys

import h5py
import numpy as np


def datasets(path):
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if not name.startswith("provenance") and isinstance(obj, h5py.Dataset):
                found[name] = obj[()]
        f.visititems(visit)
        attributes = {key: value for key, value in f.attrs.items()}
    return found, attributes


def equal(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def main(first, second):
    a, attributes_a = datasets(first)
    b, attributes_b = datasets(second)
    problems = sorted(set(a) ^ set(b))
    problems += [name for name in sorted(set(a) & set(b)) if not equal(a[name], b[name])]
    if set(attributes_a) != set(attributes_b) or any(
            not np.array_equal(np.asarray(attributes_a[k]), np.asarray(attributes_b[k])) for k in attributes_a):
        problems.append("root attributes")
    if problems:
        print("differ: " + ", ".join(problems[:10]))
        return 1
    print(f"same results: {len(a)} datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
