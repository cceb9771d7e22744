import Foundation
import VisageStorage

/// A job as the API answers it and `visage jobs` prints it: its payload and result as JSON
/// objects, times in ISO 8601, absent fields left out.
public enum JobDocument {
    public static func object(_ job: Job) -> [String: Any] {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var object: [String: Any] = [
            "id": job.id, "kind": job.kind, "state": job.state.rawValue, "payload": parsed(job.payload),
            "attempts": job.attempts, "max_attempts": job.maxAttempts,
            "progress": ["done": job.progress.done, "total": job.progress.total as Any? ?? NSNull()],
            "created_at": job.createdAt.formatted(format), "updated_at": job.updatedAt.formatted(format),
        ]
        object["idempotency_key"] = job.idempotencyKey
        object["run_after"] = job.state == .queued || job.state == .retry ? job.runAfter.formatted(format) : nil
        object["lease_owner"] = job.leaseOwner
        object["lease_expires_at"] = job.leaseExpiresAt?.formatted(format)
        object["last_error"] = job.lastError
        object["result"] = job.result.map(parsed)
        object["finished_at"] = job.finishedAt?.formatted(format)
        return object
    }

    public static func object(_ letter: DeadLetter) -> [String: Any] {
        [
            "job_id": letter.jobID, "kind": letter.kind, "payload": parsed(letter.payload), "attempts": letter.attempts,
            "last_error": letter.lastError,
            "failed_at": letter.failedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
        ]
    }

    /// `object` as compact JSON with sorted keys.
    public static func data(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// Stored JSON back as a value; the text itself if it somehow isn't JSON (the stores check it is).
    private static func parsed(_ json: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) ?? json
    }
}
