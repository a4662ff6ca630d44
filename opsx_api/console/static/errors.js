// API errors as sentences a company admin can act on, never JSON.
const SENTENCES = {
  invalid_credentials: "The email or password is not right.",
  invalid_token: "Your session has ended. Please sign in again.",
  forbidden: "You are not allowed to do this.",
  not_found: "This no longer exists, or it belongs to another company.",
  too_many_attempts: "Too many attempts. Please wait a little and try again.",
  email_taken: "Another account already uses this email address.",
  payload_too_large: "The file is too large.",
};

export function when(iso) {
  if (!iso) return "never";
  return new Date(iso).toLocaleString(undefined,
    { dateStyle: "medium", timeStyle: "short" });
}

function deviceConflict(details) {
  const device = (details && details.device) || {};
  const name = device.name || "an unnamed device";
  const platform = device.platform ? ` (${device.platform})` : "";
  return `You are already signed in on another device: ${name}${platform}, ` +
    `last seen ${when(device.last_seen_at)}. Sign out there, or ask a company ` +
    "admin to release that device, then sign in here again.";
}

function fieldErrors(details) {
  if (!details || typeof details !== "object") return "";
  const parts = Object.entries(details).map(([field, problems]) => {
    const text = Array.isArray(problems) ? problems.join(" ")
      : typeof problems === "object" ? JSON.stringify(problems) : String(problems);
    return `${field.replaceAll("_", " ")}: ${text}`;
  });
  return parts.length ? ` ${parts.join("; ")}.` : "";
}

export function sentence(status, error) {
  if (status === 0) return "The server cannot be reached. Check the connection and try again.";
  if (!error) return `The server answered ${status}. Please try again.`;
  if (error.code === "device_conflict") return deviceConflict(error.details);
  if (error.code === "validation_error") {
    return `Please check the form.${fieldErrors(error.details)}`;
  }
  if (error.code === "forbidden" && error.message) {
    return `You are not allowed to do this: ${error.message}`;
  }
  if (error.code === "too_many_attempts" && error.details && error.details.retry_after) {
    return `Too many attempts. Try again in ${error.details.retry_after} seconds.`;
  }
  return SENTENCES[error.code] || error.message || `Something went wrong (${error.code}).`;
}
