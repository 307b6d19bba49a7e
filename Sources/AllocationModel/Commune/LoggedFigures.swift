import Scenario

/// Figures in the commune solve's progress lines, rounded as a person reads them (a log is read, not parsed).
extension Double {
    /// Seconds, to the hundredth.
    var loggedSeconds: String { logged(decimals: 2) }

    /// The value with `decimals` decimals (NaN and infinities as Swift prints them).
    func logged(decimals: Int) -> String { NumberText.fixed(self, decimals: decimals) ?? "\(self)" }
}
