import LinearProgramming

/// Small deterministic models shared by the tests.
enum Instances {
    /// Deterministic pseudo-random numbers (64-bit LCG), so hard instances are the same every run.
    struct LCG {
        var state: UInt64
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
    }

    /// max 3x + 2y  s.t.  c1: x + y ≤ 4,  c2: x + 3y ≤ 6,  0 ≤ x ≤ 3.5,  y ≥ 0.
    ///
    /// By hand: vertices (0,0)=0, (3.5,0)=10.5, (3.5,0.5)=11.5 [c1 and x's bound], (3,1)=11 [c1 and
    /// c2], (0,2)=4. Optimum x = 3.5, y = 0.5, objective 11.5; activities c1 = 4, c2 = 5. Duals:
    /// one more unit in c1 moves y up by 1 (+2 objective), c2 is slack: duals (2, 0).
    static func smallLP() -> LinearProgram {
        var lp = LinearProgram(name: "small_lp", sense: .maximize)
        let x = lp.addVariable("x", lower: 0, upper: 3.5, objective: 3)
        let y = lp.addVariable("y", objective: 2)
        lp.addConstraint("c1", [(x, 1), (y, 1)], upper: 4)
        lp.addConstraint("c2", [(x, 1), (y, 3)], upper: 6)
        return lp
    }

    /// max 5x + 4y  s.t.  c1: 6x + 4y ≤ 24,  c2: x + 2y ≤ 6,  x, y ≥ 0 integer.
    ///
    /// By hand: the LP optimum is (3, 1.5) with 21. Integer points on or near the frontier:
    /// (4,0)=20, (3,1)=19, (2,2)=18, (0,3)=12; (3,2) breaks c1 (26 > 24), (2,3) breaks c2 (8 > 6),
    /// and 5x + 4y = 21 has no feasible integer point ((1,4) breaks c2). Optimum (4, 0), objective
    /// 20; activities c1 = 24, c2 = 4.
    static func smallMIP() -> LinearProgram {
        var mip = LinearProgram(name: "small_mip", sense: .maximize)
        let x = mip.addVariable("x[01,public]", kind: .integer, objective: 5)
        let y = mip.addVariable("x[2A,private]", kind: .integer, objective: 4)
        mip.addConstraint("host_capacity[01,public]", [(x, 6), (y, 4)], upper: 24)
        mip.addConstraint("posts_total", [(x, 1), (y, 2)], upper: 6)
        return mip
    }

    /// A multidimensional 0-1 knapsack (5 rows, 80 items): GLPK finds integer solutions at once but
    /// needs far more than a second to prove optimality.
    static func hardKnapsack(items: Int = 80, rows: Int = 5) -> LinearProgram {
        var random = LCG(state: 20_240_601)
        var mip = LinearProgram(name: "knapsack", sense: .maximize)
        let weights = (0..<rows).map { _ in (0..<items).map { _ in random.next(100...1_000) } }
        let x = (0..<items).map { j in
            let value = (0..<rows).reduce(0) { $0 + weights[$1][j] } / rows + random.next(0...100)
            return mip.addVariable("x[\(j)]", lower: 0, upper: 1, kind: .integer, objective: Double(value))
        }
        for i in 0..<rows {
            let capacity = weights[i].reduce(0, +) / 2
            mip.addConstraint(
                "capacity[\(i)]", (0..<items).map { (x[$0], Double(weights[i][$0])) },
                upper: Double(capacity))
        }
        return mip
    }

    /// A market-split instance (Cornuéjols–Dawande): Σ_j a_ij x_j = ⌊Σ_j a_ij / 2⌋ for 4 rows,
    /// 40 binaries. Finding any feasible point is hard; GLPK finds none within a second.
    static func marketSplit(rows: Int = 4, items: Int = 40) -> LinearProgram {
        var random = LCG(state: 1_998)
        var mip = LinearProgram(name: "market_split", sense: .minimize)
        let x = (0..<items).map { mip.addVariable("x[\($0)]", lower: 0, upper: 1, kind: .integer, objective: 1) }
        for i in 0..<rows {
            let a = (0..<items).map { _ in random.next(0...99) }
            let target = Double(a.reduce(0, +) / 2)
            mip.addConstraint("split[\(i)]", (0..<items).map { (x[$0], Double(a[$0])) }, lower: target, upper: target)
        }
        return mip
    }
}
