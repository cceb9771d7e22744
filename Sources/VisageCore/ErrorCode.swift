/// Every stable error code Visage reports, with the HTTP status it answers with. This file is
/// the one list: the server takes the status from the code, and a test checks that the README's
/// error table and the OpenAPI document list exactly `ErrorCode.all`. A new code is added here,
/// to `all`, and to both documents.
public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The code clients see (`image_not_found`); never changes once published.
    public let rawValue: String
    /// The HTTP status of a response carrying this code: 4xx for caller mistakes, 5xx for
    /// Visage's own faults. The CLI ignores it.
    public let status: Int

    // Private: codes are only made here, so no status can drift from the list.
    private init(_ rawValue: String, _ status: Int) {
        self.rawValue = rawValue
        self.status = status
    }

    public var description: String { rawValue }
}

extension ErrorCode {
    // MARK: Input: paths and images

    public static let imageNotFound = ErrorCode("image_not_found", 404)
    public static let imageNotAFile = ErrorCode("image_not_a_file", 400)
    public static let imageUnreadable = ErrorCode("image_unreadable", 400)
    public static let imageEmpty = ErrorCode("image_empty", 400)
    public static let imageFormatUnsupported = ErrorCode("image_format_unsupported", 400)
    public static let imageTruncated = ErrorCode("image_truncated", 400)
    public static let imageCorrupt = ErrorCode("image_corrupt", 400)
    public static let imageTooLarge = ErrorCode("image_too_large", 413)
    public static let pathNotAllowed = ErrorCode("path_not_allowed", 403)
    public static let invalidBase64 = ErrorCode("invalid_base64", 400)
    public static let imagingUnavailable = ErrorCode("imaging_unavailable", 500)
    public static let imageResizeFailed = ErrorCode("image_resize_failed", 500)
    public static let imageEncodeFailed = ErrorCode("image_encode_failed", 500)

    // MARK: Input: URL fetching

    public static let urlInvalid = ErrorCode("url_invalid", 400)
    public static let urlSchemeNotAllowed = ErrorCode("url_scheme_not_allowed", 400)
    public static let urlNotAllowed = ErrorCode("url_not_allowed", 403)
    public static let urlTooManyRedirects = ErrorCode("url_too_many_redirects", 400)
    public static let urlUnreachable = ErrorCode("url_unreachable", 502)
    public static let urlHttpError = ErrorCode("url_http_error", 502)
    public static let urlTimeout = ErrorCode("url_timeout", 504)

    // MARK: Video (VisageVideo: frames through ffmpeg)

    /// Not a video container Visage reads, or ffprobe/ffmpeg can read no video frame from it; 400
    /// like `image_corrupt`: the file is the caller's.
    public static let videoUnreadable = ErrorCode("video_unreadable", 400)
    /// Frames over `VISAGE_MAX_PIXELS` or a clip over `VISAGE_VIDEO_MAX_SECONDS`.
    public static let videoTooLarge = ErrorCode("video_too_large", 413)
    /// Probing and sampling took longer than `VISAGE_VIDEO_TIMEOUT`; ffmpeg was killed. 504 like
    /// `url_timeout`: the server's deadline on work it hands to another program.
    public static let videoTimeout = ErrorCode("video_timeout", 504)
    /// ffmpeg or ffprobe is missing; 500 like `imaging_unavailable`: the installation's fault,
    /// which a retry does not mend.
    public static let videoToolsUnavailable = ErrorCode("video_tools_unavailable", 500)

    // MARK: XMP metadata

    public static let xmpUnreadable = ErrorCode("xmp_unreadable", 500)
    public static let xmpMalformed = ErrorCode("xmp_malformed", 500)
    public static let xmpTooLarge = ErrorCode("xmp_too_large", 500)

    // MARK: Models and inference

    public static let modelPackUnknown = ErrorCode("model_pack_unknown", 500)
    public static let modelPackNotInstalled = ErrorCode("model_pack_not_installed", 500)
    public static let modelManifestInvalid = ErrorCode("model_manifest_invalid", 500)
    public static let modelLockInvalid = ErrorCode("model_lock_invalid", 500)
    public static let modelDownloadFailed = ErrorCode("model_download_failed", 500)
    public static let modelDownloadUnavailable = ErrorCode("model_download_unavailable", 500)
    public static let modelChecksumMismatch = ErrorCode("model_checksum_mismatch", 500)
    public static let modelMirrorMissingFile = ErrorCode("model_mirror_missing_file", 500)
    public static let modelInstallFailed = ErrorCode("model_install_failed", 500)
    public static let modelLoadFailed = ErrorCode("model_load_failed", 500)
    public static let modelMismatch = ErrorCode("model_mismatch", 500)
    public static let ortLibraryNotFound = ErrorCode("ort_library_not_found", 500)
    public static let ortIncompatible = ErrorCode("ort_incompatible", 500)
    public static let ortError = ErrorCode("ort_error", 500)
    public static let cudaUnavailable = ErrorCode("cuda_unavailable", 500)
    public static let invalidTensor = ErrorCode("invalid_tensor", 500)
    public static let inferenceFailed = ErrorCode("inference_failed", 500)
    public static let analysisFailed = ErrorCode("analysis_failed", 500)
    public static let noFaces = ErrorCode("no_faces", 500)

    // MARK: People and the store

    public static let clusterNotFound = ErrorCode("cluster_not_found", 404)
    public static let faceNotFound = ErrorCode("face_not_found", 404)
    public static let personNotFound = ErrorCode("person_not_found", 404)
    public static let imageUnknown = ErrorCode("image_unknown", 404)
    public static let invalidOrientation = ErrorCode("invalid_orientation", 400)
    public static let invalidName = ErrorCode("invalid_name", 400)
    public static let invalidConstraint = ErrorCode("invalid_constraint", 400)
    public static let faceAmbiguous = ErrorCode("face_ambiguous", 400)
    public static let faceNotInCluster = ErrorCode("face_not_in_cluster", 400)
    public static let annotationDisabled = ErrorCode("annotation_disabled", 400)
    public static let annotationWriteFailed = ErrorCode("annotation_write_failed", 500)
    public static let mergeNameConflict = ErrorCode("merge_name_conflict", 409)
    public static let embeddingModelMismatch = ErrorCode("embedding_model_mismatch", 409)
    public static let embeddingDimensionMismatch = ErrorCode("embedding_dimension_mismatch", 400)
    public static let embeddingMissing = ErrorCode("embedding_missing", 500)
    public static let embeddingModelMissing = ErrorCode("embedding_model_missing", 500)
    public static let storeOpenFailed = ErrorCode("store_open_failed", 500)
    public static let storeCorrupt = ErrorCode("store_corrupt", 500)
    public static let storeFailed = ErrorCode("store_failed", 500)

    // MARK: Configuration

    /// An environment variable is set to something that is not a value in its range; `visage`
    /// stops before it serves.
    public static let invalidConfiguration = ErrorCode("invalid_configuration", 500)

    // MARK: Moving a library (`visage migrate`)

    /// `--from` names no file, or a file that is not a Visage SQLite library.
    public static let migrationSourceInvalid = ErrorCode("migration_source_invalid", 400)
    /// The PostgreSQL database already holds a library; a migration never merges into one.
    public static let migrationTargetNotEmpty = ErrorCode("migration_target_not_empty", 409)
    /// The source has file moves a crash left `planned`; `visage route` (no arguments) finishes them.
    public static let migrationMovesPending = ErrorCode("migration_moves_pending", 409)
    /// The copy read back differs from the source (a count or an embedding); nothing was committed.
    public static let migrationVerificationFailed = ErrorCode("migration_verification_failed", 500)

    // MARK: Face database (seed 002)

    public static let invalidCollection = ErrorCode("invalid_collection", 400)
    public static let collectionNotFound = ErrorCode("collection_not_found", 404)

    // MARK: Extraction (seed 004)

    public static let tooManyImages = ErrorCode("too_many_images", 400)
    public static let requestTimeout = ErrorCode("request_timeout", 408)

    // MARK: References and routing (seed 003)

    /// The image holds no face (or none where the caller pointed) to add as a reference.
    public static let faceNotDetected = ErrorCode("face_not_detected", 422)
    public static let referenceNotFound = ErrorCode("reference_not_found", 404)
    /// A routing setting is out of range, or names a folder that doesn't exist or can't be written.
    public static let invalidSettings = ErrorCode("invalid_settings", 400)
    /// Routing needs `destination_path` and `review_path` set first.
    public static let routingNotConfigured = ErrorCode("routing_not_configured", 409)
    /// A file could not be moved (permissions, a full disk); nothing was lost: see the journal.
    public static let routingFailed = ErrorCode("routing_failed", 500)
    /// The file is being moved right now (by another request or process): it is routed once.
    public static let routingInProgress = ErrorCode("routing_in_progress", 409)

    // MARK: Collection classifiers (issue 14)

    /// No classifier is trained for that `collection_id`.
    public static let classifierNotFound = ErrorCode("classifier_not_found", 404)
    /// A class has fewer examples than a held-out split needs (`StratifiedSplit.minimumPerClass`).
    public static let tooFewExamples = ErrorCode("too_few_examples", 400)
    /// A training example names an `image_id` with no stored embedding of the classifier's types.
    public static let imageNotEncoded = ErrorCode("image_not_encoded", 400)

    // MARK: Job queue (issue 15)

    /// No job has that id.
    public static let jobNotFound = ErrorCode("job_not_found", 404)
    /// `kind` names no job this server runs.
    public static let unknownJobKind = ErrorCode("unknown_job_kind", 400)
    /// The job's payload is not what its kind takes (a missing field, a relative path, too many URLs).
    public static let invalidJobPayload = ErrorCode("invalid_job_payload", 400)
    /// The job is done, dead or cancelled already.
    public static let jobNotCancellable = ErrorCode("job_not_cancellable", 409)
    /// A worker's lease on a job was taken over (the lease expired and the job was claimed again,
    /// or it was cancelled): the worker stops.
    public static let jobLeaseLost = ErrorCode("job_lease_lost", 409)

    // MARK: Access (API keys)

    /// No key, or one that is unknown, revoked or malformed; the response carries
    /// `WWW-Authenticate: Bearer`.
    public static let unauthorized = ErrorCode("unauthorized", 401)
    /// A valid key without the scope the route needs, or asking for a key wider than itself.
    public static let forbiddenScope = ErrorCode("forbidden_scope", 403)
    /// A state-changing request made with a web UI session cookie lacks the session's
    /// `X-CSRF-Token`, or carries another.
    public static let csrfFailed = ErrorCode("csrf_failed", 403)
    public static let invalidScope = ErrorCode("invalid_scope", 400)
    public static let keyNotFound = ErrorCode("key_not_found", 404)

    // MARK: Server and requests

    public static let notFound = ErrorCode("not_found", 404)
    /// A known path with a method it does not have; the `Allow` header lists the ones it has.
    public static let methodNotAllowed = ErrorCode("method_not_allowed", 405)
    /// Any other error the HTTP framework raises; the response keeps the framework's own status
    /// (always 4xx), this one is the fallback.
    public static let httpError = ErrorCode("http_error", 400)
    public static let invalidJson = ErrorCode("invalid_json", 400)
    public static let invalidRequest = ErrorCode("invalid_request", 400)
    public static let invalidMultipart = ErrorCode("invalid_multipart", 400)
    /// A name or id over its length limit (person names 200, image ids 1024, ...).
    public static let textTooLong = ErrorCode("text_too_long", 400)
    /// A name or id with a control character (NUL, a newline, an escape).
    public static let invalidCharacters = ErrorCode("invalid_characters", 400)
    public static let requestTooLarge = ErrorCode("request_too_large", 413)
    public static let modelsNotReady = ErrorCode("models_not_ready", 503)
    /// An optional feature's model (CLIP, the captioner) is not installed on this server: its
    /// routes can't be served until it is, and the message names what to fetch. The server works
    /// otherwise.
    public static let modelNotInstalled = ErrorCode("model_not_installed", 503)
    /// Every worker is busy and the queue of waiting requests is full (`VISAGE_MAX_QUEUE`).
    public static let serverBusy = ErrorCode("server_busy", 503)
    /// Anything that is not a `VisageError`; its description is logged, never sent.
    public static let internalError = ErrorCode("internal_error", 500)

    /// Every code, grouped as above.
    public static let all: [ErrorCode] = [
        imageNotFound, imageNotAFile, imageUnreadable, imageEmpty, imageFormatUnsupported, imageTruncated, imageCorrupt,
        imageTooLarge, pathNotAllowed, invalidBase64, imagingUnavailable, imageResizeFailed, imageEncodeFailed,
        urlInvalid, urlSchemeNotAllowed, urlNotAllowed, urlTooManyRedirects, urlUnreachable, urlHttpError, urlTimeout,
        videoUnreadable, videoTooLarge, videoTimeout, videoToolsUnavailable,
        xmpUnreadable, xmpMalformed, xmpTooLarge,
        modelPackUnknown, modelPackNotInstalled, modelManifestInvalid, modelLockInvalid, modelDownloadFailed,
        modelDownloadUnavailable, modelChecksumMismatch, modelMirrorMissingFile, modelInstallFailed, modelLoadFailed,
        modelMismatch, ortLibraryNotFound, ortIncompatible, ortError, cudaUnavailable, invalidTensor, inferenceFailed,
        analysisFailed, noFaces,
        clusterNotFound, faceNotFound, personNotFound, imageUnknown, invalidOrientation, invalidName, invalidConstraint,
        faceAmbiguous, faceNotInCluster, annotationDisabled, annotationWriteFailed, mergeNameConflict,
        embeddingModelMismatch, embeddingDimensionMismatch, embeddingMissing, embeddingModelMissing,
        storeOpenFailed, storeCorrupt, storeFailed,
        invalidConfiguration,
        migrationSourceInvalid, migrationTargetNotEmpty, migrationMovesPending, migrationVerificationFailed,
        invalidCollection, collectionNotFound,
        tooManyImages, requestTimeout,
        faceNotDetected, referenceNotFound, invalidSettings, routingNotConfigured, routingFailed,
        routingInProgress,
        classifierNotFound, tooFewExamples, imageNotEncoded,
        jobNotFound, unknownJobKind, invalidJobPayload, jobNotCancellable, jobLeaseLost,
        unauthorized, forbiddenScope, csrfFailed, invalidScope, keyNotFound,
        notFound, methodNotAllowed, httpError, invalidJson, invalidRequest, invalidMultipart, textTooLong, invalidCharacters,
        requestTooLarge, modelsNotReady, modelNotInstalled, serverBusy, internalError,
    ]

    /// The code with this raw value, if it is one of `all`.
    public init?(rawValue: String) {
        guard let code = Self.all.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = code
    }
}
