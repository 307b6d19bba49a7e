import Testing
@testable import GLPKSolver  // OwnedBuffer and LoweredProgram are internal to the C layer on purpose

@Suite("GLPKSolver: buffers handed to C")
struct OwnedBufferTests {
    @Test func appendsAndReadsBackLikeAnArray() {
        var buffer = OwnedBuffer<Int32>([0])
        for value in 1...1_000 { buffer.append(Int32(value)) }
        buffer.append(contentsOf: [7, 8, 9])
        #expect(buffer.count == 1_004)
        #expect(buffer.array == [0] + (1...1_000).map(Int32.init) + [7, 8, 9])
        #expect(buffer.baseAddress[500] == 500)
    }

    /// The integer-row re-solve tightens a copy of the lowered program: the original must not move with it.
    @Test func aCopyIsWrittenWithoutTouchingTheOriginal() {
        let original = LoweredProgram(Instances.smallLP())
        var tightened = original
        tightened.rowUpper[0] -= 1
        tightened.ia.append(1)
        #expect(tightened.rowUpper[0] == original.rowUpper[0] - 1)
        #expect(original.ia.count == tightened.ia.count - 1)
        #expect(original.baseAddressesDiffer(from: tightened))
    }

    @Test func anUnsharedBufferKeepsItsAddressWhenWrittenInPlace() {
        var buffer = OwnedBuffer<Double>(repeating: 0, count: 16)
        let address = buffer.baseAddress
        buffer[3] = 2.5
        #expect(buffer.baseAddress == address)
        #expect(buffer[3] == 2.5)
    }
}

extension LoweredProgram {
    fileprivate func baseAddressesDiffer(from other: LoweredProgram) -> Bool {
        rowUpper.baseAddress != other.rowUpper.baseAddress && ia.baseAddress != other.ia.baseAddress
            && rowLower.baseAddress == other.rowLower.baseAddress
    }
}
