import Foundation
import LinearProgramming

/// The exact value of a plan, component by component (docs/model.md, "Exact evaluation by components"). With the
/// posts fixed, each site unit has a fixed supply and the flow LP only links units that reach a common group: the
/// units with supply and their groups fall apart into connected components (288 at 10 km, the largest with 369 of
/// the units), and the flow LP is the sum of one small LP per component. Small LPs are much faster for the simplex
/// than one large one, and a plan that differs by a few posts changes only the components of those units: the others
/// are taken from a cache keyed by their units' supplies. This is what lets the local improvement value many moves.
struct CommuneFixedPlan {
    /// One component's flow LP solution.
    struct Component {
        let units: [Int]
        let groups: [Int]
        /// People covered by each segment of each of `groups`.
        let segments: [[Double]]
        /// (unit, group, people) of every positive flow.
        let flows: [(unit: Int, group: Int, people: Double)]
        /// Dual of each unit's `site_service` row (value of one more person served there, in the program's scale).
        let unitDuals: [Double]
        /// Dual of each group's `group_service` row (value of one more person covered there).
        let groupDuals: [Double]
        /// Σ w γ × cover, exact weights.
        let value: Double
        let seconds: Double
    }

    struct Evaluation {
        let value: Double
        /// Coverage segments of every group (0 outside every component).
        let segments: [[Double]]
        let flows: [(unit: Int, group: Int, people: Double)]
        /// Dual of every unit's `site_service` row; for a unit with no supply, the best dual of its groups (what one
        /// more person served there would be worth; an uncovered group's is its first segment's coefficient).
        let unitDuals: [Double]
        let components: Int
        /// Seconds of the LPs solved for this evaluation (cached components cost none).
        let seconds: Double
        let solved: Int
        /// Reach pairs (unit, group) of the components solved (cached ones count none), and of every unit with
        /// supply (what finding the components and gathering their answers goes over, cached or not).
        let solvedPairs: Int
        let suppliedPairs: Int
        /// The work of this evaluation, counted rather than timed so that a search bounded by it ends at the same plan
        /// on every machine: the pairs solved, a quarter of the pairs with supply (at 15 km the work around the
        /// solves, about 16 ms a plan, costs about what solving a quarter of those pairs does: BENCHMARKS.md,
        /// nineteenth session), and one.
        var work: Int { solvedPairs + suppliedPairs / 4 + 1 }
        /// The component of each unit with supply (−1 for a unit without), and each component's units and value: what
        /// `change(of:…)` values a change of a few units against.
        let componentOfUnit: [Int]
        let componentUnits: [[Int]]
        let componentValues: [Double]
    }

    /// The exact change of value of a plan when a few of its posts change (`change(of:…)`).
    struct Change {
        let value: Double
        /// Counted like `Evaluation.work`: the pairs solved, a quarter of the pairs gone over, and one.
        let work: Int
    }

    /// False: every component's LP goes to the solver, as before `CommuneFlowGreedy` (for tests of that path, e.g. an
    /// evaluation the solver cannot finish).
    @TaskLocal static var greedyFirst = true

    let model: CommuneModel
    let unitOfDecision: [Int]
    /// w γ of each coverage column, by column − `firstCoverColumn` (the model's value terms are in column order).
    private let segmentValue: [Double]
    private let firstCoverColumn: Int
    /// The units within reach of each group (`CommuneReach.unitGroups` inverted), and each unit's decisions.
    private let groupUnits: [[Int]]
    private let decisionsOfUnit: [[Int]]
    private var cache: [[Double]: Component] = [:]
    /// Flows held by the cache's components: past `cachedFlowsLimit`, only the components of the latest evaluation are
    /// kept (those of a move's plan: the plan's own unchanged components and the move's), so that a search valuing
    /// thousands of variants of a plan whose components are large keeps its memory (national €60M: the moves within
    /// the cover grew the run from 457 MB to 1.1 GB without a limit; emptying the whole cache instead re-solved the
    /// plan's large components after each emptying, and at €40M the moves no longer ended within their allowance).
    private var cachedFlows = 0
    static let cachedFlowsLimit = 2_000_000

    init(model: CommuneModel) {
        self.model = model
        unitOfDecision = model.decisions.map { model.reach.unitOfSite[model.pools[$0.pool].site] }
        firstCoverColumn = model.valueTerms.first?.0.index ?? 0
        segmentValue = model.valueTerms.map(\.1)
        var groupUnits = [[Int]](repeating: [], count: model.reach.groups.count)
        for (unit, groups) in model.reach.unitGroups.enumerated() {
            for group in groups { groupUnits[group].append(unit) }
        }
        self.groupUnits = groupUnits
        var decisionsOfUnit = [[Int]](repeating: [], count: model.reach.units.count)
        for (decision, unit) in unitOfDecision.enumerated() { decisionsOfUnit[unit].append(decision) }
        self.decisionsOfUnit = decisionsOfUnit
    }

    /// The evaluation as values of every column of `model` (posts, flows, coverage), to check it against every row.
    func values(of evaluation: Evaluation, posts: [Int]) -> [Double] {
        var values = [Double](repeating: 0, count: model.program.variables.count)
        for (index, decision) in model.decisions.enumerated() { values[decision.variable.index] = Double(posts[index]) }
        let unitGroups = model.reach.unitGroups
        var start = [Int](repeating: 0, count: unitGroups.count)
        var next = model.firstFlowColumn
        for (unit, groups) in unitGroups.enumerated() {
            start[unit] = next
            next += groups.count
        }
        for flow in evaluation.flows {
            let groups = unitGroups[flow.unit]
            var low = 0, high = groups.count  // binary search: groups are increasing
            while low < high {
                let middle = (low + high) / 2
                if groups[middle] < flow.group { low = middle + 1 } else { high = middle }
            }
            values[start[flow.unit] + low] = flow.people
        }
        for (segments, amounts) in zip(model.coverage, evaluation.segments) {
            for (segment, amount) in zip(segments, amounts) { values[segment.index] = amount }
        }
        return values
    }

    /// People each unit can serve under `posts`.
    func supply(of posts: [Int]) -> [Double] {
        var supply = [Double](repeating: 0, count: model.reach.units.count)
        for (index, count) in posts.enumerated() where count != 0 {
            supply[unitOfDecision[index]] += Double(count) * model.decisions[index].peoplePerPost
        }
        return supply
    }

    /// Components of the units with supply: units joined when they reach a common group.
    func components(supply: [Double]) -> [(units: [Int], groups: [Int])] {
        let reach = model.reach
        let unitCount = reach.units.count
        var parent = Array(0..<(unitCount + reach.groups.count))
        func root(_ node: Int) -> Int {
            var node = node
            while parent[node] != node {
                parent[node] = parent[parent[node]]
                node = parent[node]
            }
            return node
        }
        for (unit, groups) in reach.unitGroups.enumerated() where supply[unit] > 0 {
            for group in groups {
                let a = root(unit), b = root(unitCount + group)
                if a != b { parent[a] = b }
            }
        }
        var index: [Int: Int] = [:]
        var result: [(units: [Int], groups: [Int])] = []
        for unit in 0..<unitCount where supply[unit] > 0 {
            let r = root(unit)
            if index[r] == nil {
                index[r] = result.count
                result.append(([], []))
            }
            result[index[r]!].units.append(unit)
        }
        for group in reach.groups.indices {
            if let position = index[root(unitCount + group)] { result[position].groups.append(group) }
        }
        return result
    }

    /// Values `posts` exactly: every component's flow LP, solved or taken from the cache.
    mutating func evaluate(_ posts: [Int], solver: any LinearSolver, options: SolverOptions) throws -> Evaluation {
        let supply = supply(of: posts)
        let reach = model.reach
        var segments = model.coverage.map { [Double](repeating: 0, count: $0.count) }
        var flows: [(unit: Int, group: Int, people: Double)] = []
        var unitDuals = [Double](repeating: 0, count: reach.units.count)
        var groupDuals = model.coverage.map { $0.first.map { model.program.variables[$0.index].objective } ?? 0 }
        var value = 0.0, seconds = 0.0, solved = 0, solvedPairs = 0, suppliedPairs = 0
        let parts = components(supply: supply)
        var componentOfUnit = [Int](repeating: -1, count: reach.units.count)
        var componentValues: [Double] = []
        componentValues.reserveCapacity(parts.count)
        var used: [[Double]] = []
        defer { if cachedFlows > Self.cachedFlowsLimit { keepOnly(used) } }
        for part in parts {
            let pairs = part.units.reduce(0) { $0 + reach.unitGroups[$1].count }
            suppliedPairs += pairs
            let key = part.units.flatMap { [Double($0), supply[$0]] }
            used.append(key)
            let component: Component
            if let known = cache[key] {
                component = known
            } else {
                component = try solve(
                    units: part.units, groups: part.groups, supply: supply, solver: solver, options: options)
                cache[key] = component
                cachedFlows += component.flows.count
                seconds += component.seconds
                solved += 1
                solvedPairs += pairs
            }
            for (position, group) in component.groups.enumerated() { segments[group] = component.segments[position] }
            for (position, unit) in component.units.enumerated() { unitDuals[unit] = component.unitDuals[position] }
            for (position, group) in component.groups.enumerated() {
                groupDuals[group] = component.groupDuals[position]
            }
            flows += component.flows
            value += component.value
            for unit in part.units { componentOfUnit[unit] = componentValues.count }
            componentValues.append(component.value)
        }
        for (unit, groups) in reach.unitGroups.enumerated() where supply[unit] <= 0 {
            unitDuals[unit] = groups.reduce(0) { max($0, abs(groupDuals[$1])) }
        }
        return Evaluation(
            value: value, segments: segments, flows: flows, unitDuals: unitDuals, components: parts.count,
            seconds: seconds, solved: solved, solvedPairs: solvedPairs, suppliedPairs: suppliedPairs,
            componentOfUnit: componentOfUnit, componentUnits: parts.map(\.units), componentValues: componentValues)
    }

    /// The exact change of value when one post is taken from each of `removed` and one given to each of `added` in
    /// `posts` (valued as `evaluation`, with `supply` its `supply(of:)`): only the components of the plan and of the
    /// changed plan that the changed units reach, through each other, are solved or taken from the cache, so a change
    /// among small components costs a few of their pairs instead of a pass over the whole plan. (A change inside the
    /// one large component of a national plan, 1,396 of the 1,465 units with posts at €80M, still solves all of it.)
    mutating func change(
        of posts: [Int], evaluation: Evaluation, supply: [Double], removed: [Int], added: [Int],
        solver: any LinearSolver, options: SolverOptions
    ) throws -> Change {
        let reach = model.reach
        // The changed units' supply summed as `supply(of:)` sums it (count × people, in decision order), so that the
        // cache's keys are the same as `evaluate`'s to the last bit.
        var trial: [Int: Int] = [:]
        for decision in removed { trial[decision, default: posts[decision]] -= 1 }
        for decision in added { trial[decision, default: posts[decision]] += 1 }
        let changed = Array(Set(trial.keys.map { unitOfDecision[$0] })).sorted()
        var after = supply
        for unit in changed {
            var total = 0.0
            for decision in decisionsOfUnit[unit] {
                let count = trial[decision] ?? posts[decision]
                if count != 0 { total += Double(count) * model.decisions[decision].peoplePerPost }
            }
            after[unit] = total
        }
        // The units the change reaches: closed under the plan's components and the changed plan's.
        var inside = Set<Int>(), groupsSeen = Set<Int>(), oldComponents = Set<Int>()
        var queue: [Int] = []
        func push(_ unit: Int) { if inside.insert(unit).inserted { queue.append(unit) } }
        changed.forEach(push)
        while let unit = queue.popLast() {
            if supply[unit] > 0 {
                let component = evaluation.componentOfUnit[unit]
                if oldComponents.insert(component).inserted { evaluation.componentUnits[component].forEach(push) }
            }
            if after[unit] > 0 {
                for group in reach.unitGroups[unit] where groupsSeen.insert(group).inserted {
                    for other in groupUnits[group] where after[other] > 0 { push(other) }
                }
            }
        }
        var before = 0.0
        // In one order, so that the sum is the same on every run (a set's order is not).
        for component in oldComponents.sorted() { before += evaluation.componentValues[component] }
        // The changed plan's components among those units, as `components(supply:)` finds them (units and groups in
        // increasing order, so the cache's keys are the same).
        var pairs = 0, solvedPairs = 0
        var assigned = Set<Int>()
        var value = 0.0
        for start in inside.sorted() {
            pairs += reach.unitGroups[start].count
            guard after[start] > 0, assigned.insert(start).inserted else { continue }
            var units = [start], groups: [Int] = [], stack = [start]
            var seen = Set<Int>()
            while let unit = stack.popLast() {
                for group in reach.unitGroups[unit] where seen.insert(group).inserted {
                    groups.append(group)
                    for other in groupUnits[group] where after[other] > 0 && assigned.insert(other).inserted {
                        units.append(other)
                        stack.append(other)
                    }
                }
            }
            units.sort()
            groups.sort()
            let key = units.flatMap { [Double($0), after[$0]] }
            if let known = cache[key] {
                value += known.value
            } else {
                let component = try solve(units: units, groups: groups, supply: after, solver: solver, options: options)
                if cachedFlows <= Self.cachedFlowsLimit {
                    cache[key] = component
                    cachedFlows += component.flows.count
                }
                solvedPairs += units.reduce(0) { $0 + reach.unitGroups[$1].count }
                value += component.value
            }
        }
        return Change(value: value - before, work: solvedPairs + pairs / 4 + 1)
    }

    /// Keeps the cached components of `keys` only.
    private mutating func keepOnly(_ keys: [[Double]]) {
        var kept: [[Double]: Component] = [:]
        for key in keys { kept[key] = cache[key] }
        cache = kept
        cachedFlows = kept.values.reduce(0) { $0 + $1.flows.count }
    }

    /// Forgets cached components (each holds its flows).
    mutating func clearCache() {
        cache = [:]
        cachedFlows = 0
    }

    /// The flow LP of one component: its units' flows to their groups, its groups' coverage segments (bounds and
    /// objective coefficients as in the model), `site_service` and `group_service` rows as in the model. Solved by
    /// `CommuneFlowGreedy` when its dual bound certifies its answer, else by `solver`.
    private func solve(
        units: [Int], groups: [Int], supply: [Double], solver: any LinearSolver,
        options: SolverOptions
    ) throws -> Component {
        let started = Date()
        let reach = model.reach
        var position = [Int: Int](minimumCapacity: groups.count)
        for (index, group) in groups.enumerated() { position[group] = index }
        var flowKeys: [(unit: Int, group: Int)] = []
        var unitArcs: [Int] = []  // arcs per unit, in `flowKeys` order
        for unit in units {
            for group in reach.unitGroups[unit] { flowKeys.append((unit, group)) }
            unitArcs.append(reach.unitGroups[unit].count)
        }
        let segmentColumns = groups.map { model.coverage[$0] }
        let greedy =
            !Self.greedyFirst
            ? nil
            : CommuneFlowGreedy.solve(
                CommuneFlowGreedy.Input(
                    supply: units.map { supply[$0] },
                    unitGroups: units.map { reach.unitGroups[$0].map { position[$0]! } },
                    caps: segmentColumns.map { $0.map { model.program.variables[$0.index].upper } },
                    gains: segmentColumns.map { $0.map { model.program.variables[$0.index].objective } }))
        var rawFlows: [Double]
        var rawSegments: [[Double]]
        var unitDuals: [Double]
        var groupDuals: [Double]
        var seconds: Double
        if let greedy {
            rawFlows = greedy.flows
            rawSegments = greedy.segments
            unitDuals = greedy.unitDuals
            groupDuals = greedy.groupDuals
            seconds = Date().timeIntervalSince(started)
        } else {
            var program = LinearProgram(name: "commune_component", sense: .maximize)
            var inflow = [[(Variable, Double)]](repeating: [], count: groups.count)
            var outflow: [[(Variable, Double)]] = []
            for unit in units {
                var terms: [(Variable, Double)] = []
                for group in reach.unitGroups[unit] {
                    let flow = program.addVariable("f\(program.variables.count)", lower: 0)
                    terms.append((flow, 1))
                    inflow[position[group]!].append((flow, -1))
                }
                outflow.append(terms)
            }
            var cover: [[Variable]] = []
            for (index, columns) in segmentColumns.enumerated() {
                let segments = columns.map { segment -> Variable in
                    let definition = model.program.variables[segment.index]
                    return program.addVariable(
                        "c\(program.variables.count)", lower: 0, upper: definition.upper,
                        objective: definition.objective)
                }
                cover.append(segments)
                program.addConstraint("g\(index)", segments.map { ($0, 1.0) } + inflow[index], upper: 0)
            }
            let groupRows = Array(0..<groups.count)  // added first, in order
            var serviceRows: [Int] = []
            for (index, unit) in units.enumerated() {
                serviceRows.append(program.addConstraint("u\(index)", outflow[index], upper: supply[unit]))
            }
            let result = try solver.solve(program, options: options)
            guard result.status == .optimal, result.hasSolution else {
                throw CommuneSolve.Failure.evaluationFailed(
                    "a component's flow LP ended \(result.status.rawValue)\(result.limitReached.map { " (\($0))" } ?? "")"
                )
            }
            rawFlows = Array(result.values.prefix(flowKeys.count))
            rawSegments = cover.map { $0.map { result.values[$0.index] } }
            let duals = result.duals ?? []
            unitDuals = serviceRows.map { duals.isEmpty ? 0 : duals[$0] }
            groupDuals = groupRows.map { duals.isEmpty ? 0 : duals[$0] }
            seconds = result.seconds
        }
        // The solution made feasible exactly (an interior point meets the rows only to the method's tolerance, a few
        // 10⁻⁶ people on flows of thousands; the greedy's sums, to rounding): a unit's flows scaled down to its
        // supply, then a group's coverage cut to its inflow from its last (least valued) segment. What this takes off
        // is that small, and the value is the value of these flows, so it never claims more than a plan that exists.
        var flow = rawFlows.map { max(0, $0) }
        var start = 0
        for (index, unit) in units.enumerated() {
            let count = unitArcs[index]
            let total = flow[start..<(start + count)].reduce(0, +)
            if total > supply[unit] {
                let factor = supply[unit] / total
                for k in start..<(start + count) { flow[k] *= factor }
            }
            start += count
        }
        var received = [Double](repeating: 0, count: groups.count)
        for (index, key) in flowKeys.enumerated() { received[position[key.group]!] += flow[index] }
        let segments = rawSegments.enumerated().map { index, raw -> [Double] in
            var amounts = raw.enumerated().map { j, amount in
                min(max(0, amount), model.program.variables[segmentColumns[index][j].index].upper)
            }
            var excess = amounts.reduce(0, +) - received[index]
            for k in amounts.indices.reversed() where excess > 0 {
                let cut = min(amounts[k], excess)
                amounts[k] -= cut
                excess -= cut
            }
            return amounts
        }
        let values = flow
        var value = 0.0
        for (group, amounts) in zip(groups, segments) {
            for (segment, amount) in zip(model.coverage[group], amounts) {
                value += segmentValue[segment.index - firstCoverColumn] * amount
            }
        }
        var flows: [(unit: Int, group: Int, people: Double)] = []
        for (index, key) in flowKeys.enumerated() where values[index] > 0 {
            flows.append((key.unit, key.group, values[index]))
        }
        return Component(
            units: units, groups: groups, segments: segments, flows: flows, unitDuals: unitDuals,
            groupDuals: groupDuals, value: value, seconds: seconds)
    }

    /// What taking `people` of supply from each site unit would lose, estimated without an LP: its unused supply
    /// first, at no loss, then the people it serves, taken from its groups' least valuable covered segments first (a
    /// concave value fills its segments in order, so the last one filled is the cheapest to empty). An upper bound on
    /// the exact loss (what it removes is a feasible answer of the flow LP with one post fewer, which may do better by
    /// re-routing another unit's people), and exact when no other unit serves the unit's groups. Unlike the
    /// duals, which price only the first person (at 15 km most units share one price, 0.926, whatever a whole post
    /// takes), it sees a post's worth of people cross a breakpoint. `posts` is the plan `evaluation` values.
    func removalLosses(of posts: [Int], evaluation: Evaluation, people: [Double]) -> [Double] {
        let supply = supply(of: posts)
        var served = [[(group: Int, people: Double)]](repeating: [], count: model.reach.units.count)
        for flow in evaluation.flows { served[flow.unit].append((flow.group, flow.people)) }
        return model.reach.units.indices.map { unit in
            var left = people[unit] - max(0, supply[unit] - served[unit].reduce(0) { $0 + $1.people })
            guard left > 0 else { return 0 }
            // (value per person, people) of every covered segment this unit's people lie in, the cheapest first.
            var pieces: [(value: Double, people: Double)] = []
            for (group, flow) in served[unit] {
                var take = flow
                let amounts = evaluation.segments[group]
                for (segment, amount) in zip(model.coverage[group], amounts).reversed() where take > 0 && amount > 0 {
                    let piece = min(amount, take)
                    pieces.append((segmentValue[segment.index - firstCoverColumn], piece))
                    take -= piece
                }
            }
            var loss = 0.0
            for piece in pieces.sorted(by: { $0.value < $1.value }) where left > 0 {
                let taken = min(piece.people, left)
                loss += taken * piece.value
                left -= taken
            }
            return loss
        }
    }
}
