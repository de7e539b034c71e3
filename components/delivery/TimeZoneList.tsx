// The datalist behind every "Time zone" input: common IANA zones (any other valid name is accepted).
const ZONES = [
  "UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome",
  "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Istanbul", "Europe/Moscow", "Africa/Cairo",
  "Africa/Johannesburg", "Africa/Lagos", "Asia/Dubai", "Asia/Kolkata", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai",
  "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Australia/Perth", "Pacific/Auckland", "America/Sao_Paulo",
  "America/Argentina/Buenos_Aires", "America/Mexico_City", "America/New_York", "America/Chicago", "America/Denver",
  "America/Los_Angeles", "America/Anchorage", "America/Toronto", "America/Vancouver", "Pacific/Honolulu",
];

export function TimeZoneList() {
  return (
    <datalist id="hookline-time-zones">
      {ZONES.map((z) => <option key={z} value={z} />)}
    </datalist>
  );
}
