// The API's limits, as the server wrote them into the page
// (<meta name="oms-limits">), so a script stops where the API would refuse
// without repeating a number the server decides. A limit that is missing
// is undefined, and the API's own answer decides instead.

function read() {
  const meta = document.querySelector('meta[name="oms-limits"]');
  try {
    const limits = JSON.parse((meta && meta.getAttribute("content")) || "{}");
    return limits && typeof limits === "object" ? limits : {};
  } catch {
    return {};
  }
}

export const LIMITS = Object.freeze(read());
