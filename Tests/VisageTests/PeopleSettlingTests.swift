import Foundation
import Testing
import VisageCore

@testable import VisageRecognition

/// When the background pass runs: after new faces have been quiet, one at a time, never more
/// than its share of the time, and again after a failure.
@Suite struct PeopleSettlingTests {
    static let policy = SettlingPolicy(quietSeconds: 2, maxBusyShare: 0.25)
    static func summary(seconds: Double) -> ReclusterSummary {
        ReclusterSummary(faces: 10, clustersBefore: 4, clustersAfter: 3, facesMoved: 2, seconds: seconds)
    }

    @Test func aPassWaitsForQuietAndTakesThePendingFaces() {
        let activity = PeopleActivity()
        let start = ContinuousClock.now
        #expect(activity.beginPassIfDue(Self.policy, now: start + .seconds(10)) == nil, "nothing new, nothing to do")
        activity.facesAdded(3, at: start)
        activity.facesAdded(2, at: start + .seconds(1))
        #expect(activity.beginPassIfDue(Self.policy, now: start + .seconds(2.5)) == nil, "1.5 s after the last face")
        #expect(activity.beginPassIfDue(Self.policy, now: start + .seconds(3)) == 5)
        activity.facesAdded(1, at: start + .seconds(3))
        #expect(activity.beginPassIfDue(Self.policy, now: start + .seconds(60)) == nil, "one pass at a time")
        #expect(activity.status(Self.policy).running && activity.status(Self.policy).pendingFaces == 1)
    }

    @Test func theNextPassKeepsToTheBusyShare() {
        let activity = PeopleActivity()
        let start = ContinuousClock.now
        activity.facesAdded(1, at: start - .seconds(5))
        #expect(activity.beginPassIfDue(Self.policy, now: start) == 1)
        // A 4-second pass at a share of a quarter: the next may start 12 s after it ended.
        activity.finishPass(taken: 1, .success(Self.summary(seconds: 4)), policy: Self.policy)
        let ended = ContinuousClock.now
        activity.facesAdded(1, at: ended - .seconds(5))
        #expect(activity.beginPassIfDue(Self.policy, now: ended + .seconds(11)) == nil)
        #expect(activity.beginPassIfDue(Self.policy, now: ended + .seconds(12.5)) == 1)
        let status = activity.status(Self.policy)
        #expect(status.passes == 1 && status.lastPass?.facesMoved == 2 && status.lastPassFinishedAt != nil)
    }

    @Test func aFailedPassGivesItsFacesBack() {
        let activity = PeopleActivity()
        let start = ContinuousClock.now
        activity.facesAdded(4, at: start - .seconds(5))
        #expect(activity.beginPassIfDue(Self.policy, now: start) == 4)
        activity.finishPass(taken: 4, .failure(VisageError(.serverBusy, "busy")), policy: Self.policy)
        let status = activity.status(Self.policy)
        #expect(status.pendingFaces == 4 && status.passes == 0 && status.lastError?.contains("busy") == true)
        #expect(activity.beginPassIfDue(Self.policy, now: .now) == 4, "retried")
    }

    @Test func theOffPolicyNeverRunsAndTheEnvironmentSetsIt() throws {
        let activity = PeopleActivity()
        activity.facesAdded(1, at: .now - .seconds(3600))
        #expect(activity.beginPassIfDue(.off, now: .now) == nil)
        #expect(try SettlingPolicy.fromEnvironment(EnvironmentSettings([:])) == .serverDefault)
        #expect(try SettlingPolicy.fromEnvironment(EnvironmentSettings(["VISAGE_PEOPLE_SETTLE_SECONDS": "0"])) == .off)
        #expect(try SettlingPolicy.fromEnvironment(EnvironmentSettings(["VISAGE_PEOPLE_SETTLE_SECONDS": "2.5"])).quietSeconds == 2.5)
        for bad in ["-1", "nan", "1e9", "soon"] {
            let error = #expect(throws: VisageError.self) {
                try SettlingPolicy.fromEnvironment(EnvironmentSettings(["VISAGE_PEOPLE_SETTLE_SECONDS": bad]))
            }
            #expect(error?.message.hasPrefix("VISAGE_PEOPLE_SETTLE_SECONDS") == true)
        }
    }
}
