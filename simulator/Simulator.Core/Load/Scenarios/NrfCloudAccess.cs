namespace Simulator.Core.Load.Scenarios;

/// <summary>nRF Cloud REST as the location scenario reaches it: the API's base and the run's one pooled client.</summary>
internal sealed record NrfCloudAccess(Uri Base, HttpClient Http);
