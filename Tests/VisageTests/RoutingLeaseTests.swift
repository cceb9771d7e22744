import Foundation
import Testing
import VisageCore
import VisageStorage

@testable import VisageRouting

/// `RoutingLease`: a process's heartbeat on its moves, and its settings.
@Suite struct RoutingLeaseTests {
    /// The heartbeat keeps a short lease live for as long as the process runs; a clean stop
    /// removes the owner's row.
    @Test(arguments: StoreBackend.all) func theHeartbeatKeepsTheLeaseLive(backend: StoreBackend) throws {
        let database = try backend.makeDatabase()
        defer { database.remove() }
        let store = try database.routing()
        let lease = RoutingLease(store: store, settings: RoutingLeaseSettings(heartbeat: 0.1, lease: 0.4))
        try lease.start()
        try lease.start()  // once is enough; a second start changes nothing
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try store.routingOwners().map(\.owner) == [lease.owner] && store.routingOwners().allSatisfy(\.isLive))
        #expect(lease.owner.pid == getpid() && lease.owner.machine == LocalProcesses.machine)
        lease.stop()
        #expect(try store.routingOwners().isEmpty)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try store.routingOwners().isEmpty, "no beat after the stop")
    }

    @Test func leaseSettingsComeFromTheEnvironment() throws {
        #expect(try RoutingLeaseSettings.fromEnvironment([:]) == RoutingLeaseSettings(heartbeat: 10, lease: 60))
        #expect(try RoutingLeaseSettings.fromEnvironment(["VISAGE_ROUTING_HEARTBEAT": "20"]) == RoutingLeaseSettings(heartbeat: 20, lease: 120))
        #expect(
            try RoutingLeaseSettings.fromEnvironment(["VISAGE_ROUTING_HEARTBEAT": "1", "VISAGE_ROUTING_LEASE": "2.5"])
                == RoutingLeaseSettings(heartbeat: 1, lease: 2.5))
        for bad in [
            ["VISAGE_ROUTING_HEARTBEAT": "0"], ["VISAGE_ROUTING_LEASE": "nan"], ["VISAGE_ROUTING_HEARTBEAT": "10", "VISAGE_ROUTING_LEASE": "15"],
        ] {
            let error = #expect(throws: VisageError.self, "\(bad)") { try RoutingLeaseSettings.fromEnvironment(bad) }
            #expect(error?.code == "invalid_configuration")
        }
    }
}
