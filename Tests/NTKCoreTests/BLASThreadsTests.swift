import Foundation
import Testing

@testable import NTKCore

/// OpenBLAS's thread count is one setting for the process; `limited(to:)` is how `tangent -j N`
/// shares it. Other suites may hold limits of their own at the same time (in-process CLI
/// tests), so these checks only rely on "the smallest active limit applies".
@Suite struct BLASThreadsTests {
    @Test func theSmallestActiveLimitApplies() {
        BLASThreads.limited(to: 1) { _ in
            #expect(BLASThreads.count == 1)
            BLASThreads.limited(to: 1000) { _ in #expect(BLASThreads.count == 1) }
            #expect(BLASThreads.count == 1)
        }
        BLASThreads.limited(to: 0) { _ in #expect(BLASThreads.count == 1) }  // at least one thread
    }

    @Test func aLimitHoldsOutsideSingleThreadedSectionsOnly() {
        BLASThreads.limited(to: 1) { _ in
            BLASThreads.singleThreaded {
                // Inside, BLAS runs on one thread; the count restored afterwards is the limit.
                #expect(BLASThreads.count == 1)
            }
            #expect(BLASThreads.count == 1)
        }
    }

    @Test func aHolderCanChangeItsLimit() {
        BLASThreads.limited(to: 1000) { limit in
            limit.change(to: 1)
            #expect(BLASThreads.count == 1)
            BLASThreads.limited(to: 1000) { inner in
                inner.change(to: 0)  // at least one thread
                #expect(BLASThreads.count == 1)
            }
        }
    }

    /// Limits taken and released from many threads in any interleaving leave a positive count,
    /// and products computed meanwhile are right.
    @Test func overlappingLimitsFromManyThreads() {
        let a = Matrix(rows: 64, cols: 64) { i, j in Double((i * 7 + j * 3) % 11) - 5 }
        let expected = a.matmul(a)
        DispatchQueue.concurrentPerform(iterations: 16) { k in
            BLASThreads.limited(to: 1 + k % 3) { _ in
                #expect(BLASThreads.count <= 1 + k % 3)
                #expect(a.matmul(a) == expected)
            }
        }
        #expect(BLASThreads.count >= 1)
    }
}
