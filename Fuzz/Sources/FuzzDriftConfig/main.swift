import DriftKit
import FuzzSupport

// Reads and validates every input as a drift.yaml file.
// Errors are expected; a crash, a hang or runaway memory is a bug.
runFuzzer { data, size in
    _ = try? DriftConfig.parse(fuzzText(data, size), file: "drift.yaml")
    return 0
}
