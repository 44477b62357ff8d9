/// kubectl-style durations, as flags and drift.yaml write them.
public enum DurationText {
    /// The seconds in `30s`, `2m`, `500ms`, `1h` or plain seconds; nil for anything else and
    /// for durations that are not positive.
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0 { return value * scale }
        }
        if let value = Double(text), value > 0 { return value }
        return nil
    }
}
