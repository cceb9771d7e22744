import Foundation
import VisageStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a routing process can tell about other processes on its own machine. Process ids mean
/// something only within one PID namespace of one boot, so the machine is named by both (Linux's
/// boot id and the namespace's inode): two containers on one host, or one host before and after a
/// reboot, never compare each other's process ids.
public enum LocalProcesses {
    /// `BOOT-ID/pid:[INODE]`; nil where either can't be read (not Linux): owners are then judged
    /// by their lease alone.
    public static let machine: String? = {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
            let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
        else { return nil }
        let name = boot.trimmingCharacters(in: .whitespacesAndNewlines) + "/" + namespace
        return (1...200).contains(name.count) ? name : nil
    }()

    /// A new owner for this process: a random id, this machine, this process id.
    public static func newOwner() -> RoutingOwner {
        RoutingOwner(id: UUID().uuidString.lowercased(), machine: machine, pid: getpid())
    }

    /// Whether a process with this id runs in this namespace. Unsure answers are "running": a
    /// reused id keeps an owner alive until its lease lapses, which is safe.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0 else { return true }
        return kill(pid, 0) == 0 || errno != ESRCH
    }
}
