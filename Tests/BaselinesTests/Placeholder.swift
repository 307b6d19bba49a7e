import Testing
@testable import Baselines
