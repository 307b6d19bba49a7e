import Foundation

/// One component's flow LP solved without an LP solver, with a certificate (docs/model.md, "Exact evaluation by
/// components"). With the posts fixed the LP is: maximise Σ γ_gj c_gj over coverage segments 0 ≤ c_gj ≤ u_gj, with
/// Σ_j c_gj ≤ Σ_u f_ug (each group) and Σ_g f_ug ≤ S_u (each unit), f ≥ 0. The flows cost nothing, so the inflows a
/// plan can give the groups form a polymatroid, and a separable concave value over a polymatroid is maximised
/// greedily: segments in decreasing γ, each level filled as far as a maximum flow from the units' remaining supply
/// allows (rerouting earlier flow, never lowering an earlier group's inflow). Why not GLPK: at 20 km one component
/// holds most of the plan, and its LP took about 2 s of a warm run's 4.5 s.
///
/// The answer is not taken on trust: duals are built from the final residual network (a node's dual is the best γ
/// it can still reach, π_g for a group, μ_u for a unit, so μ_u ≥ π_g on every arc), and the plan is kept only when
/// the dual value Σ S_u μ_u + Σ u_gj max(0, γ_gj − π_g), an upper bound on every feasible flow by weak duality, is
/// within 10⁻⁹ (relative) of the value found. Otherwise the caller solves the LP with GLPK.
struct CommuneFlowGreedy {
    /// A component's data, in local positions.
    struct Input {
        /// Supply S_u of each unit (people).
        var supply: [Double]
        /// Groups (local positions) each unit reaches.
        var unitGroups: [[Int]]
        /// Per group, its segments' caps u_gj and coefficients γ_gj (decreasing, as a concave curve's slopes).
        var caps: [[Double]]
        var gains: [[Double]]
    }

    struct Solution {
        /// c_gj per group and segment.
        var segments: [[Double]]
        /// f per arc, in the order of `Input.unitGroups` flattened.
        var flows: [Double]
        var unitDuals: [Double]
        var groupDuals: [Double]
        /// Σ γ c, and the dual bound that certifies it.
        var value: Double
        var dualBound: Double
    }

    /// Flows below this (people) count as none: supplies and caps are people counts of order 1–10⁶.
    static let epsilon = 1e-9

    /// The certified optimum, or nil when the certificate fails (then the LP decides).
    static func solve(_ input: Input) -> Solution? {
        var network = Network(input)
        let levels = Set(input.gains.joined().filter { $0 > 0 }).sorted(by: >)
        for level in levels { network.fill(level: level) }
        return network.certified()
    }

    /// The residual network: units 0..<U, groups U..<U+G; arcs u → g in CSR order, each with its flow.
    private struct Network {
        let input: Input
        let unitCount: Int
        let groupCount: Int
        /// Arcs of unit u: `arcStart[u]..<arcStart[u+1]`, heads in `arcGroup`.
        var arcStart: [Int] = [0]
        var arcGroup: [Int] = []
        var arcUnit: [Int] = []
        /// Arcs into group g: `inStart[g]..<inStart[g+1]` of `inArcs`.
        var inStart: [Int]
        var inArcs: [Int]
        var flow: [Double]
        var used: [Double]
        var fill: [[Double]]
        /// Per group, what the level being filled may still take.
        var sink: [Double]
        var distance: [Int]
        var nextArc: [Int]

        init(_ input: Input) {
            self.input = input
            unitCount = input.supply.count
            groupCount = input.caps.count
            for (unit, groups) in input.unitGroups.enumerated() {
                arcGroup += groups
                arcUnit += Array(repeating: unit, count: groups.count)
                arcStart.append(arcGroup.count)
            }
            var counts = [Int](repeating: 0, count: groupCount + 1)
            for group in arcGroup { counts[group + 1] += 1 }
            for g in 0..<groupCount { counts[g + 1] += counts[g] }
            inStart = counts
            var position = counts
            inArcs = [Int](repeating: 0, count: arcGroup.count)
            for (arc, group) in arcGroup.enumerated() {
                inArcs[position[group]] = arc
                position[group] += 1
            }
            flow = [Double](repeating: 0, count: arcGroup.count)
            used = [Double](repeating: 0, count: unitCount)
            fill = input.caps.map { [Double](repeating: 0, count: $0.count) }
            sink = [Double](repeating: 0, count: groupCount)
            distance = [Int](repeating: -1, count: unitCount + groupCount)
            nextArc = [Int](repeating: 0, count: unitCount + groupCount)
        }

        /// Fills the segments whose γ is `level` as far as a maximum flow allows, then spreads each group's new
        /// inflow over them in order.
        mutating func fill(level: Double) {
            var seeded = false
            for g in 0..<groupCount {
                var room = 0.0
                for (j, gain) in input.gains[g].enumerated() where gain == level {
                    room += input.caps[g][j] - fill[g][j]
                }
                sink[g] = room > Self.epsilon ? room : 0
                if sink[g] > 0 { seeded = true }
            }
            guard seeded else { return }
            let before = sink
            while labelFromSinks() {
                nextArc = Array(repeating: 0, count: unitCount + groupCount)
                for unit in 0..<unitCount where distance[unit] >= 0 {
                    while input.supply[unit] - used[unit] > Self.epsilon {
                        let pushed = augment(from: unit, amount: input.supply[unit] - used[unit])
                        if pushed <= Self.epsilon { break }
                        used[unit] += pushed
                    }
                }
            }
            for g in 0..<groupCount where before[g] - sink[g] > 0 {
                var left = before[g] - sink[g]
                for (j, gain) in input.gains[g].enumerated() where gain == level && left > 0 {
                    let take = min(left, input.caps[g][j] - fill[g][j])
                    fill[g][j] += take
                    left -= take
                }
            }
        }

        private static let epsilon = CommuneFlowGreedy.epsilon

        /// Distances to the sink over residual arcs, found backwards from the groups with room at this level (1)
        /// through every unit that reaches them (u → g has no cap) and every group those units send flow to (g → u
        /// undoes it). True when a unit with supply left is labelled (an augmenting path exists).
        mutating func labelFromSinks() -> Bool {
            distance = Array(repeating: -1, count: unitCount + groupCount)
            var queue: [Int] = []
            for g in 0..<groupCount where sink[g] > Self.epsilon {
                distance[unitCount + g] = 1
                queue.append(unitCount + g)
            }
            var head = 0
            var found = false
            while head < queue.count {
                let node = queue[head]
                head += 1
                if node >= unitCount {
                    let g = node - unitCount
                    for k in inStart[g]..<inStart[g + 1] {
                        let unit = arcUnit[inArcs[k]]
                        if distance[unit] < 0 {
                            distance[unit] = distance[node] + 1
                            queue.append(unit)
                            if input.supply[unit] - used[unit] > Self.epsilon { found = true }
                        }
                    }
                } else {
                    for arc in arcStart[node]..<arcStart[node + 1] where flow[arc] > Self.epsilon {
                        let groupNode = unitCount + arcGroup[arc]
                        if distance[groupNode] < 0 {
                            distance[groupNode] = distance[node] + 1
                            queue.append(groupNode)
                        }
                    }
                }
            }
            return found
        }

        /// One augmenting path of the level graph from `unit`, at most `amount`; returns what it pushed (0: none).
        /// Iterative: a path alternates unit → group (forward) and group → unit (undoing a flow), each step one label
        /// closer to the sink, and ends at a group with room.
        mutating func augment(from unit: Int, amount: Double) -> Double {
            // The path as (node, arc used to leave it, forward?).
            var path: [(node: Int, arc: Int, forward: Bool)] = []
            var node = unit
            while true {
                if node >= unitCount, distance[node] == 1, sink[node - unitCount] > Self.epsilon {
                    // A group with room: push the bottleneck along the path.
                    var pushed = min(amount, sink[node - unitCount])
                    for step in path where !step.forward { pushed = min(pushed, flow[step.arc]) }
                    for step in path { flow[step.arc] += step.forward ? pushed : -pushed }
                    sink[node - unitCount] -= pushed
                    return pushed
                }
                var advanced = false
                if node < unitCount {
                    while nextArc[node] < arcStart[node + 1] - arcStart[node] {
                        let arc = arcStart[node] + nextArc[node]
                        let next = unitCount + arcGroup[arc]
                        if distance[next] == distance[node] - 1 {
                            path.append((node, arc, true))
                            node = next
                            advanced = true
                            break
                        }
                        nextArc[node] += 1
                    }
                } else {
                    let g = node - unitCount
                    while nextArc[node] < inStart[g + 1] - inStart[g] {
                        let arc = inArcs[inStart[g] + nextArc[node]]
                        let next = arcUnit[arc]
                        if distance[next] == distance[node] - 1, flow[arc] > Self.epsilon {
                            path.append((node, arc, false))
                            node = next
                            advanced = true
                            break
                        }
                        nextArc[node] += 1
                    }
                }
                if advanced { continue }
                // A dead end: no path through this node in this level graph; retreat.
                distance[node] = -1
                guard let last = path.popLast() else { return 0 }
                node = last.node
                nextArc[node] += 1
            }
        }

        /// The plan with its duals, when the dual bound certifies it.
        func certified() -> Solution? {
            // A node's dual: the best γ of a segment with room it can still reach over residual arcs. Seeds in
            // decreasing γ, each spread backwards to the nodes not valued yet.
            var value = [Double](repeating: -1, count: unitCount + groupCount)
            var seeds: [(gain: Double, group: Int)] = []
            for g in 0..<groupCount {
                let open = input.gains[g].indices.filter {
                    input.gains[g][$0] > 0 && input.caps[g][$0] - fill[g][$0] > Self.epsilon
                }
                if let best = open.map({ input.gains[g][$0] }).max() { seeds.append((best, g)) }
            }
            seeds.sort { $0.gain > $1.gain }
            var queue: [Int] = []
            for seed in seeds where value[unitCount + seed.group] < 0 {
                value[unitCount + seed.group] = seed.gain
                queue.removeAll(keepingCapacity: true)
                queue.append(unitCount + seed.group)
                var head = 0
                while head < queue.count {
                    let node = queue[head]
                    head += 1
                    if node >= unitCount {
                        let g = node - unitCount
                        for k in inStart[g]..<inStart[g + 1] where value[arcUnit[inArcs[k]]] < 0 {
                            value[arcUnit[inArcs[k]]] = seed.gain
                            queue.append(arcUnit[inArcs[k]])
                        }
                    } else {
                        for arc in arcStart[node]..<arcStart[node + 1] where flow[arc] > Self.epsilon {
                            let groupNode = unitCount + arcGroup[arc]
                            if value[groupNode] < 0 {
                                value[groupNode] = seed.gain
                                queue.append(groupNode)
                            }
                        }
                    }
                }
            }
            let unitDuals = (0..<unitCount).map { max(value[$0], 0) }
            let groupDuals = (0..<groupCount).map { max(value[unitCount + $0], 0) }
            var primal = 0.0
            var dual = 0.0
            for g in 0..<groupCount {
                for j in input.gains[g].indices {
                    primal += input.gains[g][j] * fill[g][j]
                    dual += input.caps[g][j] * max(0, input.gains[g][j] - groupDuals[g])
                }
            }
            for u in 0..<unitCount {
                dual += input.supply[u] * unitDuals[u]
                // μ_u ≥ π_g on every arc (dual feasibility), by construction; checked all the same.
                for arc in arcStart[u]..<arcStart[u + 1] where unitDuals[u] < groupDuals[arcGroup[arc]] {
                    return nil
                }
            }
            guard dual - primal <= 1e-9 * max(1, abs(primal)) else { return nil }
            return Solution(
                segments: fill, flows: flow, unitDuals: unitDuals, groupDuals: groupDuals, value: primal,
                dualBound: dual)
        }
    }
}
