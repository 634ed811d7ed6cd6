using AkkaFraud.Node.Live;
using AkkaFraud.Storage;

namespace AkkaFraud.Node.Security;

/// <summary>
/// Records every mutation the API is asked for, granted or not: who (the identity, or anonymous), what (the endpoint's
/// name and path), when, from where and the answer's status, one record in the warehouse's audit log and one line in
/// the node's log. Only named endpoints count (a POST to a path the node does not have is not an action), and the live
/// hub's negotiate is a connection, not a mutation. No body, query or header is recorded, so no secret is.
/// </summary>
internal static partial class AuditTrail
{
    /// <summary>Registered ahead of authentication so that the 401 and 403 answers of the guard are recorded too.</summary>
    public static WebApplication UseAuditTrail(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!IsMutation(context))
            {
                await next(context);
                return;
            }

            var status = StatusCodes.Status500InternalServerError;
            try
            {
                await next(context);
                status = context.Response.StatusCode;
            }
            finally
            {
                await RecordAsync(context, context.GetEndpoint()!.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, status);
            }
        });
        return app;
    }

    private static bool IsMutation(HttpContext context) =>
        AccessEndpoints.IsChange(context.Request.Method)
        && context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>() is not null
        && !context.Request.Path.StartsWithSegments(LiveHub.Path, StringComparison.Ordinal);

    /// <summary>Records one action of the request's identity: the middleware's for endpoints, and those answered before any (the login link).</summary>
    public static async Task RecordAsync(HttpContext context, string action, int status)
    {
        var store = context.RequestServices.GetRequiredService<IAccessStore>();
        var clock = context.RequestServices.GetRequiredService<TimeProvider>();
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditTrail).FullName!);
        var identity = Identity.Of(context.User);
        var record = new AuditRecord(
            0, clock.GetUtcNow(), identity?.Id, identity?.Name, identity is null ? null : Roles.Name(identity.Role), identity?.Via ?? "anonymous",
            action, context.Request.Method,
            context.Request.Path.Value ?? "/", context.Connection.RemoteIpAddress?.ToString(), status);
        LogAction(logger, record.Actor ?? "anonymous", record.Role ?? "no role", record.Method, record.Path, record.Status, record.Action);
        try
        {
            // Not the request's token: an answer already given is recorded even when its client has gone.
            await store.AppendAuditAsync(record, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogNotRecorded(logger, e, record.Method, record.Path, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit: {Actor} ({Role}) {Method} {Path} -> {Status} ({Action})")]
    private static partial void LogAction(ILogger logger, string actor, string role, string method, string path, int status, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit: {Method} {Path} was answered but could not be recorded in the warehouse: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string method, string path, string reason);
}
