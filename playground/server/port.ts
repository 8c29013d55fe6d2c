/** Whether `port` is a TCP port number a server may listen on (0: any free port). */
export function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535
}
