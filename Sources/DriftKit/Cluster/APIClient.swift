import Foundation

/// JSON requests to the Kubernetes API over a transport.
public struct APIClient: Sendable {
    public let transport: any HTTPTransport

    public init(transport: any HTTPTransport) {
        self.transport = transport
    }

    /// Sends a request and returns its JSON body; a non-2xx answer becomes `APIError.status`.
    public func json(_ request: HTTPRequest) throws(APIError) -> JSONValue {
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch {
            throw APIError.transport(error)
        }
        guard response.isSuccess else { throw APIError.status(APIStatus(response: response, request: request)) }
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw APIError.invalidResponse(path: request.path, reason: error.description)
        }
    }

    public func get(_ path: String) throws(APIError) -> JSONValue {
        try json(HTTPRequest(path: path))
    }

    /// The object at `path`, or nil when the server answers 404.
    public func getIfPresent(_ path: String) throws(APIError) -> JSONValue? {
        do {
            return try get(path)
        } catch let error where error.statusCode == 404 {
            return nil
        }
    }

    /// Every item of a collection, following `continue` tokens page by page.
    public func list(_ collectionPath: String, pageSize: Int = 500) throws(APIError) -> [JSONValue] {
        try pages(of: collectionPath, pageSize: pageSize).items
    }

    /// A collection read whole, with what a watch needs to resume from it.
    public struct Listing: Sendable {
        public var items: [JSONValue]
        /// The list's `metadata.resourceVersion`: the snapshot every page was read from.
        public var resourceVersion: String
        /// The list's `apiVersion` and `kind` (`ConfigMapList`).
        public var apiVersion: String
        public var kind: String
    }

    /// Every item of a collection, following `continue` tokens page by page, and the
    /// resourceVersion of the snapshot they were read from.
    public func listing(_ collectionPath: String, pageSize: Int = 500) throws(APIError) -> Listing {
        let (items, lastPage) = try pages(of: collectionPath, pageSize: pageSize)
        guard let resourceVersion = lastPage[["metadata", "resourceVersion"]]?.stringValue else {
            throw APIError.invalidResponse(path: collectionPath, reason: "a list without metadata.resourceVersion")
        }
        return Listing(
            items: items, resourceVersion: resourceVersion,
            apiVersion: lastPage["apiVersion"]?.stringValue ?? "", kind: lastPage["kind"]?.stringValue ?? "")
    }

    private func pages(of collectionPath: String, pageSize: Int) throws(APIError) -> (items: [JSONValue], lastPage: JSONValue) {
        var items: [JSONValue] = []
        var continueToken: String?
        var page: JSONValue
        repeat {
            var query = "limit=\(pageSize)"
            if let token = continueToken { query += "&continue=\(ResourcePath.escape(token))" }
            page = try get(collectionPath + (collectionPath.contains("?") ? "&" : "?") + query)
            guard let pageItems = page["items"]?.arrayValue else {
                throw APIError.invalidResponse(path: collectionPath, reason: "a list without items")
            }
            items += pageItems
            continueToken = page[["metadata", "continue"]]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while continueToken != nil
        return (items, page)
    }

    /// A JSON merge patch (RFC 7386), the kind `kubectl scale` and `kubectl patch --type merge` send.
    public func mergePatch(_ patch: JSONValue, at path: String, fieldManager: String) throws(APIError) -> JSONValue {
        try json(HTTPRequest(
            method: .patch,
            path: path + "?fieldManager=\(ResourcePath.escape(fieldManager))",
            headers: ["Content-Type": "application/merge-patch+json"],
            body: patch.jsonData
        ))
    }

    /// A server-side apply of `object` (the JSON is sent as YAML, of which it is a subset).
    public func apply(
        _ object: JSONValue, at path: String, fieldManager: String, force: Bool, dryRun: Bool
    ) throws(APIError) -> JSONValue {
        var query = "fieldManager=\(ResourcePath.escape(fieldManager))"
        if force { query += "&force=true" }
        if dryRun { query += "&dryRun=All" }
        return try json(HTTPRequest(
            method: .patch,
            path: path + "?" + query,
            headers: ["Content-Type": "application/apply-patch+yaml"],
            body: object.jsonData,
            // A dry run changes nothing, and a server-side apply of the same object converges.
            isIdempotent: true
        ))
    }

    /// A replace (`PUT`) of the whole object, as `kubectl replace` sends it; with `dryRun`, the
    /// object as the server would store it, defaulted, admitted and validated.
    public func replace(_ object: JSONValue, at path: String, fieldManager: String, dryRun: Bool) throws(APIError) -> JSONValue {
        try json(HTTPRequest(
            method: .put,
            path: path + "?fieldManager=\(ResourcePath.escape(fieldManager))" + (dryRun ? "&dryRun=All" : ""),
            headers: ["Content-Type": "application/json"],
            body: object.jsonData,
            // It carries the resourceVersion it was made from, so a repeat cannot overwrite a later change.
            isIdempotent: dryRun
        ))
    }
}
