/// A growable array of plain C values whose storage has a fixed address for as long as the buffer lives, so a
/// C call can be handed `baseAddress` directly instead of through nested `withUnsafeBufferPointer` closures.
/// Copy-on-write like `Array`: copies of a `LoweredProgram` (a tightened re-solve) never share a mutation.
/// Only for trivial element types (`Int32`, `Double`, `CChar`, `UInt8`): nothing is deinitialised.
struct OwnedBuffer<Element: BitwiseCopyable> {
    private final class Storage {
        var pointer: UnsafeMutablePointer<Element>
        var count: Int
        var capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 1)
            pointer = .allocate(capacity: self.capacity)
            count = 0
        }

        func copy(capacity: Int? = nil) -> Storage {
            let copy = Storage(capacity: max(capacity ?? self.capacity, count))
            copy.pointer.initialize(from: pointer, count: count)
            copy.count = count
            return copy
        }

        deinit { pointer.deallocate() }
    }

    private var storage: Storage

    init() { storage = Storage(capacity: 0) }

    init(_ elements: [Element]) {
        storage = Storage(capacity: elements.count)
        append(contentsOf: elements)
    }

    init(repeating value: Element, count: Int) {
        storage = Storage(capacity: count)
        storage.pointer.initialize(repeating: value, count: count)
        storage.count = count
    }

    var count: Int { storage.count }

    /// Valid while this buffer (or a copy of it) lives and is not mutated; keep it alive with `withExtendedLifetime`.
    var baseAddress: UnsafeMutablePointer<Element> { storage.pointer }

    var array: [Element] { Array(UnsafeBufferPointer(start: storage.pointer, count: storage.count)) }

    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < storage.count, "OwnedBuffer index out of range")
            return storage.pointer[index]
        }
        set {
            precondition(index >= 0 && index < storage.count, "OwnedBuffer index out of range")
            makeUnique()
            storage.pointer[index] = newValue
        }
    }

    mutating func reserveCapacity(_ capacity: Int) {
        if capacity > storage.capacity || !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(capacity: capacity)
        }
    }

    mutating func append(_ element: Element) {
        grow(toHold: storage.count + 1)
        (storage.pointer + storage.count).initialize(to: element)
        storage.count += 1
    }

    mutating func append(contentsOf elements: some Collection<Element>) {
        grow(toHold: storage.count + elements.count)
        var slot = storage.pointer + storage.count
        for element in elements {
            slot.initialize(to: element)
            slot += 1
        }
        storage.count += elements.count
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    private mutating func grow(toHold needed: Int) {
        if needed > storage.capacity {
            storage = storage.copy(capacity: max(needed, storage.capacity * 2))
        } else {
            makeUnique()
        }
    }
}
