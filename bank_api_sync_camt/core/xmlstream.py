"""A safe, streaming XML reader for bank files, on the standard library's
expat.

It builds small element trees by local names (namespaces are dropped: camt
versions differ by namespace, not by the names used here) and hands each
finished element to a callback, which may drop it so that a file of any size
is read in bounded memory. It refuses what no bank statement needs and what
attacks XML readers use: a document type declaration (DTD) and therefore any
entity, external or internal (no "billion laughs", no file read). Text and
nesting are bounded.
"""

import xml.parsers.expat

from .errors import _lt

CHUNK = 1 << 20
MAX_DEPTH = 32
MAX_TEXT = 64 * 1024
MAX_CHILDREN = 200_000


class XmlProblem(Exception):
    """What the stream refused: ``line``, ``path`` and ``reason``."""

    def __init__(self, line, path, reason):
        super().__init__(reason)
        self.line = line
        self.path = path
        self.reason = reason


class Node:
    """An element by its local name: attributes, text, children, and where it
    is (``line``; ``path`` with the position of repeated elements, worked out
    only when asked for, which is when something is wrong)."""

    __slots__ = (
        "attrib",
        "children",
        "counts",
        "line",
        "name",
        "parent",
        "tag",
        "text",
    )

    def __init__(self, tag, attrib, line, parent, name):
        self.tag = tag
        self.attrib = attrib
        self.line = line
        self.parent = parent
        self.name = name  # the tag, with [n] for the n-th of its name
        self.children = []
        self.counts = {}
        self.text = []

    @property
    def path(self):
        names = []
        node = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))

    def child(self, *names):
        """The first descendant along ``names`` (local names), or None."""
        node = self
        for name in names:
            for candidate in node.children:
                if candidate.tag == name:
                    node = candidate
                    break
            else:
                return None
        return node

    def all(self, name):
        return [child for child in self.children if child.tag == name]

    def value(self, *names):
        """The stripped text of the descendant along ``names``, or None."""
        node = self.child(*names) if names else self
        if node is None:
            return None
        text = "".join(node.text).strip()
        return text or None


def local(name):
    return name.rpartition("}")[2]


def namespace(name):
    return name[1:].partition("}")[0] if name.startswith("{") else ""


class XmlStream:
    """Feeds bytes to expat; calls ``on_start(node, stack, ns)`` when an
    element opens and ``on_end(node, stack)`` when it closes, the stack
    holding its ancestors. ``on_end`` returning True drops the element."""

    def __init__(self, on_start, on_end):
        self.on_start = on_start
        self.on_end = on_end
        self.stack = []
        self.parser = parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
        parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external_entity
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.buffer_text = True

    def _where(self):
        return self.stack[-1].path if self.stack else "(document)"

    def _refuse(self, reason):
        raise XmlProblem(self.parser.CurrentLineNumber, self._where(), reason)

    def _doctype(self, *args):
        self._refuse(
            _lt(
                "a document type declaration (DTD) is refused: bank statements "
                "need none, and it can carry entities that attack XML readers"
            )
        )

    def _entity(self, *args):
        self._refuse(_lt("an entity declaration is refused"))

    def _external_entity(self, *args):
        self._refuse(_lt("an external entity is refused"))

    def _start(self, name, attributes):
        stack = self.stack
        if len(stack) >= MAX_DEPTH:
            self._refuse(
                _lt("elements nested deeper than %(depth)s levels", depth=MAX_DEPTH)
            )
        tag = name[name.rfind("}") + 1 :]
        attrib = (
            {local(key): value for key, value in attributes.items()}
            if attributes
            else {}
        )
        if stack:
            parent = stack[-1]
            children = parent.children
            if len(children) >= MAX_CHILDREN:
                self._refuse(
                    _lt("more than %(count)s elements in one", count=MAX_CHILDREN)
                )
            counts = parent.counts
            number = counts.get(tag, 0) + 1
            counts[tag] = number
            node = Node(
                tag,
                attrib,
                self.parser.CurrentLineNumber,
                parent,
                tag if number == 1 else f"{tag}[{number}]",
            )
            self.on_start(node, stack, None)
            children.append(node)
        else:
            node = Node(tag, attrib, self.parser.CurrentLineNumber, None, tag)
            self.on_start(node, stack, namespace("{" + name) if "}" in name else "")
        stack.append(node)

    def _end(self, name):
        node = self.stack.pop()
        if self.on_end(node, self.stack) and self.stack:
            # The element that ends is its parent's last child.
            self.stack[-1].children.pop()

    def _data(self, text):
        if not self.stack:
            return
        parts = self.stack[-1].text
        if not parts and not text.strip():
            return
        parts.append(text)
        if sum(map(len, parts)) > MAX_TEXT:
            self._refuse(_lt("a text longer than %(size)s characters", size=MAX_TEXT))

    def feed(self, data, final=False):
        """Parse ``data``; ``final`` (with no data) ends the document: an
        error then means the file stopped before its end."""
        try:
            self.parser.Parse(data, final)
        except xml.parsers.expat.ExpatError as error:
            reason = xml.parsers.expat.ErrorString(error.code)
            template = (
                "the file ends in the middle (truncated?): %(reason)s"
                if final
                else "not well-formed XML: %(reason)s"
            )
            raise XmlProblem(
                error.lineno, self._where(), _lt(template, reason=reason)
            ) from None
